import { createHash } from 'node:crypto';
import type { Sms } from '../../domain/sms.js';
import type { Clock } from '../ports/clock.js';
import { GuardStoreUnavailableError, type GuardStore, type RateLimitDecision, type ReceiverReservation } from '../ports/guard-store.js';
import type { Logger } from '../ports/logger.js';
import type { DestinationPolicy } from './destination-policy.js';
import { RateLimitExceededError, ReceiverBackoffError } from './guard-errors.js';

export interface GuardSettings {
  readonly rateLimitEnabled: boolean;
  /** 0 switches the per-receiver back-off off. */
  readonly backoffResetAfterMs: number;
  readonly backoffMaxWaitMs: number;
  /** When the store cannot be asked: true lets messages through, false (the default) refuses them. */
  readonly failOpen: boolean;
}

/** What the guards allowed: how long to hold the message, and the rate limit state to report. */
export interface Admission {
  readonly holdMs: number;
  readonly rateLimit?: RateLimitDecision;
  /** The receiver's back-off slot this message took, when the back-off is on and its store answered. */
  readonly reservation?: { readonly receiverKey: string; readonly value: ReceiverReservation };
}

/**
 * The fraud and cost guards a message passes before it reaches a provider, cheapest first: destination,
 * global rate limit, per-receiver back-off. A refusal costs nothing from the guards that come after. The balance
 * check belongs to each provider instead (BalanceCheckedSmsGateway), so an empty one can fail over.
 */
export class SendGuards {
  constructor(
    private readonly store: GuardStore,
    private readonly destination: DestinationPolicy,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: GuardSettings,
  ) {}

  async admit(sms: Sms): Promise<Admission> {
    this.destination.check(sms.receiver);
    const rateLimit = this.settings.rateLimitEnabled ? await this.ask('rate limit', () => this.store.consumeRateLimit()) : undefined;
    if (rateLimit !== undefined && !rateLimit.allowed) throw new RateLimitExceededError(rateLimit);
    if (this.settings.backoffResetAfterMs === 0) return { holdMs: 0, rateLimit };
    const key = receiverKey(sms.receiver.value);
    const backoff = await this.ask('receiver back-off', () => this.store.reserveReceiver(key, this.clock.now().getTime()));
    if (backoff?.refused === true) {
      // Refused here, the request sends nothing: it must not use up everyone's rate limit.
      if (rateLimit !== undefined) await this.store.refundRateLimit().catch(() => undefined);
      throw new ReceiverBackoffError(Math.max(1, Math.ceil(backoff.retryAfterMs / 1000)), backoff.holdMs / 1000, this.settings.backoffMaxWaitMs / 1000);
    }
    if (backoff === undefined) return { holdMs: 0, rateLimit };
    return { holdMs: backoff.holdMs, rateLimit, reservation: { receiverKey: key, value: backoff.reservation } };
  }

  /**
   * Takes back what an admitted message counted against its receiver, once it is certain the message was not
   * sent: the back-off counts messages that went out, not attempts. Best effort: a store that cannot be asked
   * leaves the count as it is (stricter, never looser).
   */
  async release(admission: Admission): Promise<void> {
    if (admission.reservation === undefined) return;
    const { receiverKey: key, value } = admission.reservation;
    await this.store.releaseReceiver(key, value, this.clock.now().getTime()).catch((error: unknown) => {
      this.logger.warn('receiver back-off slot could not be given back', { reason: error instanceof Error ? error.message : String(error) });
    });
  }

  /** Asks the store; when it cannot answer, fails closed (rethrows) or open (undefined). */
  private async ask<T>(guard: string, question: () => Promise<T>): Promise<T | undefined> {
    try {
      return await question();
    } catch (error) {
      if (!(error instanceof GuardStoreUnavailableError)) throw error;
      // Debug: the store's client logs each outage once, and sms_guard_refusals_total counts the refusals.
      this.logger.debug(`guard store unavailable: ${this.settings.failOpen ? 'letting the message through' : 'refusing the message'}`, {
        guard,
        reason: error.message,
      });
      if (this.settings.failOpen) return undefined;
      throw error;
    }
  }
}

// Stores see a digest of the receiver, never the number itself.
function receiverKey(e164: string): string {
  return createHash('sha256').update(`sms-receiver:${e164}`).digest('base64url').slice(0, 22);
}
