import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { decideBackoff, releaseBackoff, type ReceiverState } from '../../application/guards/receiver-backoff.js';
import type { BackoffDecision, GuardStore, RateLimitDecision, ReceiverReservation } from '../../application/ports/guard-store.js';
import type { GuardStoreSettings } from './rate-limit-settings.js';

export const GLOBAL_KEY = 'global';
// Expired receivers are swept after this many reservations, so memory follows the receivers of one window.
const SWEEP_EVERY = 1000;

/** Guard counters for one process: the default when REDIS_URL is not set. */
export class InMemoryGuardStore implements GuardStore {
  private readonly limiter: RateLimiterMemory;
  private readonly receivers = new Map<string, ReceiverState>();
  private reservations = 0;

  constructor(private readonly settings: GuardStoreSettings) {
    this.limiter = new RateLimiterMemory({
      points: settings.rateLimit.maxRequests,
      duration: settings.rateLimit.windowMs / 1000,
    });
  }

  async consumeRateLimit(): Promise<RateLimitDecision> {
    return consume(this.limiter, this.settings.rateLimit.maxRequests);
  }

  async reserveReceiver(receiverKey: string, nowMs: number): Promise<BackoffDecision> {
    if (++this.reservations % SWEEP_EVERY === 0) this.sweep(nowMs);
    const { decision, next } = decideBackoff(this.receivers.get(receiverKey), nowMs, this.settings.backoff);
    if (next !== undefined) this.receivers.set(receiverKey, next);
    return decision;
  }

  async releaseReceiver(receiverKey: string, reservation: ReceiverReservation): Promise<void> {
    const released = releaseBackoff(this.receivers.get(receiverKey), reservation);
    if (released.keep) return;
    if (released.previous === undefined) this.receivers.delete(receiverKey);
    else this.receivers.set(receiverKey, released.previous);
  }

  async refundRateLimit(): Promise<void> {
    await this.limiter.reward(GLOBAL_KEY, 1);
  }

  /** Receivers remembered right now (for tests of memory bounds). */
  get size(): number {
    return this.receivers.size;
  }

  isAvailable(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.receivers.clear();
  }

  private sweep(nowMs: number): void {
    for (const [key, state] of this.receivers) {
      if (nowMs - state.lastMs >= this.settings.backoff.resetAfterMs) this.receivers.delete(key);
    }
  }
}

/** One point from a rate-limiter-flexible limiter, as a decision; a store failure is rethrown as is. */
export async function consume(
  limiter: { consume(key: string): Promise<RateLimiterRes> },
  limit: number,
): Promise<RateLimitDecision> {
  try {
    const result = await limiter.consume(GLOBAL_KEY);
    return { allowed: true, limit, remaining: result.remainingPoints, resetMs: result.msBeforeNext };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { allowed: false, limit, remaining: 0, resetMs: rejection.msBeforeNext };
    throw rejection;
  }
}
