import type { RateLimitDecision } from '../ports/guard-store.js';

/** The receiver is outside ALLOWED_COUNTRY_CODES or inside BLOCKED_PREFIXES. */
export class DestinationNotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DestinationNotAllowedError';
  }
}

/** The global rate limit is used up for this window. */
export class RateLimitExceededError extends Error {
  constructor(readonly rateLimit: RateLimitDecision) {
    super(`rate limit exceeded: at most ${rateLimit.limit} messages per window; retry in ${Math.ceil(rateLimit.resetMs / 1000)} s`);
    this.name = 'RateLimitExceededError';
  }

  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.rateLimit.resetMs / 1000));
  }
}

/** The receiver had so many messages in the window that the next one would be held too long. */
export class ReceiverBackoffError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    holdSeconds: number,
    maxWaitSeconds: number,
  ) {
    super(
      `too many messages to this receiver: the next one would wait ${holdSeconds} s, more than the ${maxWaitSeconds} s allowed; retry in ${retryAfterSeconds} s`,
    );
    this.name = 'ReceiverBackoffError';
  }
}

/** The provider reports no credit left: sending would fail or run up a debt. */
export class ProviderBalanceExhaustedError extends Error {
  constructor(readonly provider: string) {
    super(`the ${provider} account balance is exhausted; no message was sent`);
    this.name = 'ProviderBalanceExhaustedError';
  }
}
