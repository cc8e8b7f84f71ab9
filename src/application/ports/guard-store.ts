/** The answer of the global rate limit for one request. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Milliseconds until the current window ends and the count starts again. */
  readonly resetMs: number;
}

/** What one accepted reservation stored for a receiver, so that it can be taken back. */
export interface ReceiverReservation {
  /** Sends counted in the window, this one included. */
  readonly count: number;
  /** When this send goes to the provider (now plus its hold): the window counts from here. */
  readonly lastMs: number;
  /** The previous send's `lastMs` when this one is not the first of the window. */
  readonly previousLastMs?: number;
}

/** The answer of the per-receiver back-off: hold the send this long, or refuse it. */
export type BackoffDecision =
  | { readonly refused: false; readonly holdMs: number; readonly reservation: ReceiverReservation }
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
  /**
   * Takes back a reservation whose message was certainly not sent (the provider refused it, could not be
   * reached, the caller left during the hold), unless a later send to the receiver has been counted since.
   */
  releaseReceiver(receiverKey: string, reservation: ReceiverReservation, nowMs: number): Promise<void>;
  /** Gives back the request taken from the global rate limit, for a request another guard then refused. */
  refundRateLimit(): Promise<void>;
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
