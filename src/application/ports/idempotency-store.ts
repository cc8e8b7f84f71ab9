/** An answer as it was given, kept so that a retry with the same key gets the very same bytes. */
export interface StoredAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** What the store knew of a key when a request claimed it. */
export type IdempotencyClaim =
  /** Nobody had the key: it is now marked in flight for the caller. */
  | { readonly state: 'claimed' }
  /** Another request with the same body holds the key and has not finished. */
  | { readonly state: 'in-flight' }
  /** A request with the same body finished; here is its answer. */
  | { readonly state: 'done'; readonly answer: StoredAnswer }
  /** The key was used with a different body. */
  | { readonly state: 'mismatch' };

/**
 * Idempotency keys and the answers given for them: in memory for one process, or shared by every replica. Each
 * method is one atomic step, so two requests with one key never both claim it.
 */
export interface IdempotencyStore {
  /** Claims `key` for a request whose body has `fingerprint`, marked in flight for at most `inFlightTtlMs`. */
  claim(key: string, fingerprint: string, inFlightTtlMs: number): Promise<IdempotencyClaim>;
  /** Keeps the answer for `key` for `ttlMs`. */
  complete(key: string, fingerprint: string, answer: StoredAnswer, ttlMs: number): Promise<void>;
  /** Forgets a claim whose outcome is not worth keeping, so the key may be used again. */
  release(key: string): Promise<void>;
  close(): Promise<void>;
}

/** The store could not be asked. */
export class IdempotencyStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`idempotency store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'IdempotencyStoreUnavailableError';
  }
}

/** The record kept per key, as both stores serialise it. */
export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly answer?: StoredAnswer;
}

/** Reads a claim from the record found under a key. */
export function claimOf(record: IdempotencyRecord, fingerprint: string): IdempotencyClaim {
  if (record.fingerprint !== fingerprint) return { state: 'mismatch' };
  return record.answer === undefined ? { state: 'in-flight' } : { state: 'done', answer: record.answer };
}
