/** The answer of the global rate limit for one request. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Milliseconds until the current window ends and the count starts again. */
  readonly resetMs: number;
}

/** The answer of the per-receiver back-off: hold the send this long, or refuse it. */
export type BackoffDecision =
  | { readonly refused: false; readonly holdMs: number }
  | { readonly refused: true; readonly retryAfterMs: number; readonly holdMs: number };

/**
 * Counters the guards keep: in memory for one process, or shared by every replica. Each method is one atomic
 * step, so two replicas asking at the same moment never both get the last slot.
 */
export interface GuardStore {
  /** Takes one request from the global rate limit. */
  consumeRateLimit(): Promise<RateLimitDecision>;
  /**
   * Counts one more send to the receiver behind `receiverKey` at `nowMs`, unless its hold would be too long.
   * The k-th accepted send within the window is held `backoffHoldMs(k)`; the window runs from the last accepted send.
   */
  reserveReceiver(receiverKey: string, nowMs: number): Promise<BackoffDecision>;
  /** Whether the store answers right now (for health reports). */
  isAvailable(): boolean;
  close(): Promise<void>;
}

/** The store could not be asked (Redis down or too slow). */
export class GuardStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`guard store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'GuardStoreUnavailableError';
  }
}
