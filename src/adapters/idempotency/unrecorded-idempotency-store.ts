import type { IdempotencyClaim, IdempotencyStore } from '../../application/ports/idempotency-store.js';

/**
 * Claims every key and remembers none. For a single batch process without Redis, whose results file already
 * records each row's outcome across runs and whose rows have distinct ids: keeping 200,000 answers in memory
 * would protect nothing more.
 */
export class UnrecordedIdempotencyStore implements IdempotencyStore {
  async claim(): Promise<IdempotencyClaim> {
    return { state: 'claimed' };
  }

  async complete(): Promise<void> {}

  async release(): Promise<void> {}

  async close(): Promise<void> {}
}
