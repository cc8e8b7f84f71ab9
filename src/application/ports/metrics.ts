import type { Encoding } from '../../domain/segments.js';

/** What became of a message that reached a provider chain. */
export type MessageOutcome = 'sent' | 'rejected' | 'failed';

/** The guards and checks that can refuse a message before any provider call. */
export type GuardName = 'destination' | 'rate_limit' | 'receiver_backoff' | 'balance' | 'store_unavailable';

/** Counters and timings of the sending path. Labels carry provider names, outcomes and codes, never a number or a text. */
export interface SendMetrics {
  messageSent(provider: string, encoding: Encoding, segments: number): void;
  messageNotSent(provider: string, outcome: Exclude<MessageOutcome, 'sent'>): void;
  guardRefused(guard: GuardName): void;
  /** One call to a provider's API: how long it took, and its error code when it failed. */
  providerCall(provider: string, seconds: number, errorCode?: string): void;
}

export const NO_METRICS: SendMetrics = {
  messageSent() {},
  messageNotSent() {},
  guardRefused() {},
  providerCall() {},
};
