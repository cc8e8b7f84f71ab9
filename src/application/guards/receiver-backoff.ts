import type { BackoffDecision, ReceiverReservation } from '../ports/guard-store.js';

/**
 * How long the k-th accepted send to one receiver within the window is held: nothing for the first, then
 * 1 s, 2 s, 4 s… (2^(k-2) seconds).
 */
export function backoffHoldMs(k: number): number {
  return k < 2 ? 0 : 1000 * 2 ** (k - 2);
}

export interface BackoffSettings {
  /** The window, counted from the last accepted send; 0 switches the back-off off. */
  readonly resetAfterMs: number;
  /** A send that would be held longer is refused instead. */
  readonly maxWaitMs: number;
}

export interface ReceiverState {
  /** Accepted sends in the current window. */
  readonly count: number;
  /** When the last accepted send went (or goes, if held) to the provider. */
  readonly lastMs: number;
}

/**
 * One step of the back-off, as a pure function of the stored state: the decision and the state to store.
 * The in-memory store runs it as is; the Redis store runs the same steps in a Lua script.
 */
export function decideBackoff(
  state: ReceiverState | undefined,
  nowMs: number,
  settings: BackoffSettings,
): { decision: BackoffDecision; next?: ReceiverState } {
  const withinWindow = state !== undefined && nowMs - state.lastMs < settings.resetAfterMs;
  const count = withinWindow ? state.count : 0;
  const holdMs = backoffHoldMs(count + 1);
  if (holdMs > settings.maxWaitMs) {
    const lastMs = state?.lastMs ?? nowMs;
    return { decision: { refused: true, holdMs, retryAfterMs: Math.max(0, lastMs + settings.resetAfterMs - nowMs) } };
  }
  const next = { count: count + 1, lastMs: nowMs + holdMs };
  const reservation = withinWindow ? { ...next, previousLastMs: state.lastMs } : next;
  return { decision: { refused: false, holdMs, reservation }, next };
}

/**
 * The state once `reservation` is taken back: the one before it, or none when it was the first of its window.
 * A state that is no longer the reservation's own (a later send was counted since) stays as it is.
 */
export function releaseBackoff(state: ReceiverState | undefined, reservation: ReceiverReservation): { keep: true } | { keep: false; previous?: ReceiverState } {
  if (state === undefined || state.count !== reservation.count || state.lastMs !== reservation.lastMs) return { keep: true };
  if (reservation.count <= 1 || reservation.previousLastMs === undefined) return { keep: false };
  return { keep: false, previous: { count: reservation.count - 1, lastMs: reservation.previousLastMs } };
}
