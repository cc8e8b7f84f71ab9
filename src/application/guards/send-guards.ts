import { createHash } from 'node:crypto';
import type { Sms } from '../../domain/sms.js';
import type { Clock } from '../ports/clock.js';
import { GuardStoreUnavailableError, type GuardStore, type RateLimitDecision } from '../ports/guard-store.js';
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
    const backoff = await this.ask('receiver back-off', () =>
      this.store.reserveReceiver(receiverKey(sms.receiver.value), this.clock.now().getTime()),
    );
    if (backoff?.refused === true) {
      throw new ReceiverBackoffError(Math.max(1, Math.ceil(backoff.retryAfterMs / 1000)), backoff.holdMs / 1000, this.settings.backoffMaxWaitMs / 1000);
    }
    return { holdMs: backoff?.holdMs ?? 0, rateLimit };
  }

  /** Asks the store; when it cannot answer, fails closed (rethrows) or open (undefined), and says so in the log. */
  private async ask<T>(guard: string, question: () => Promise<T>): Promise<T | undefined> {
    try {
      return await question();
    } catch (error) {
      if (!(error instanceof GuardStoreUnavailableError)) throw error;
      this.logger.error(`guard store unavailable: ${this.settings.failOpen ? 'letting the message through' : 'refusing the message'}`, {
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
