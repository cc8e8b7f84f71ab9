import { claimOf, type IdempotencyClaim, type IdempotencyRecord, type IdempotencyStore, type StoredAnswer } from '../../application/ports/idempotency-store.js';

interface Entry extends IdempotencyRecord {
  readonly expiresAt: number;
}

/**
 * Idempotency keys for one process. Entries are kept in the order they were last written; with one TTL for every
 * answer that is also the order they expire in, so expired ones are dropped from the front as new ones come.
 * Above `maxEntries` the oldest answers are dropped early: a deployment that needs more uses Redis.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 100_000,
  ) {}

  async claim(key: string, fingerprint: string, inFlightTtlMs: number): Promise<IdempotencyClaim> {
    const now = this.now();
    this.sweep(now);
    const found = this.entries.get(key);
    if (found !== undefined && found.expiresAt > now) return claimOf(found, fingerprint);
    this.write(key, { fingerprint, expiresAt: now + inFlightTtlMs });
    return { state: 'claimed' };
  }

  async complete(key: string, fingerprint: string, answer: StoredAnswer, ttlMs: number): Promise<void> {
    this.write(key, { fingerprint, answer, expiresAt: this.now() + ttlMs });
  }

  async release(key: string): Promise<void> {
    this.entries.delete(key);
  }

  /** Keys remembered right now (for tests of memory bounds). */
  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private write(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) return;
      this.entries.delete(key);
    }
  }
}
