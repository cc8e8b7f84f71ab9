import type { Encoding } from '../../domain/segments.js';

/** A message the sandbox accepted instead of sending. Phone numbers are stored masked. */
export interface OutboxEntry {
  readonly sid: string;
  readonly dateEvent: string;
  readonly sender: string;
  readonly receiver: string;
  readonly body: string;
  readonly encoding: Encoding;
  readonly numSegments: number;
  readonly segments: readonly string[];
  readonly nonGsmCharacters: readonly string[];
}

/** Read side of the sandbox: what would have been sent, newest first. */
export interface Outbox {
  list(): readonly OutboxEntry[];
}
