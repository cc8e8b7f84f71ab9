import { createHash } from 'node:crypto';
import type { Logger } from '../ports/logger.js';
import type { IdempotencyStore, StoredAnswer } from '../ports/idempotency-store.js';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError, InvalidIdempotencyKeyError } from './idempotency-errors.js';

export interface IdempotencySettings {
  /** How long a finished answer is kept. */
  readonly ttlMs: number;
  /** How long a claim survives without an answer (a process that died mid-request frees its keys after this). */
  readonly inFlightTtlMs: number;
}

/** An answer, and whether its outcome is final (kept for replays) or may change on a retry (forgotten). */
export interface Outcome {
  readonly answer: StoredAnswer;
  readonly keep: boolean;
}

export interface IdempotentResult {
  readonly answer: StoredAnswer;
  /** True when the answer is the one given to an earlier request with the same key. */
  readonly replayed: boolean;
}

const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/**
 * Runs a piece of work at most once per idempotency key: a second request with the key and the same body gets
 * the first answer back without running the work, one with another body is refused, and one that arrives while
 * the first is running is refused rather than run beside it. Used by HTTP and batch callers alike.
 */
export class IdempotentExecution {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly logger: Logger,
    private readonly settings: IdempotencySettings,
  ) {}

  /** Checks a caller's key; throws InvalidIdempotencyKeyError. */
  static checkKey(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new InvalidIdempotencyKeyError();
    return key;
  }

  /**
   * Runs `work` unless the key already has an answer. `settleInFlight`, when given, answers a key found in flight
   * instead of refusing it, and keeps that answer: for a caller that knows the holder of the key has died.
   */
  async run(
    request: { key: string; scope: string; payload: unknown },
    work: () => Promise<Outcome>,
    settleInFlight?: () => StoredAnswer,
  ): Promise<IdempotentResult> {
    const key = storeKey(request.scope, IdempotentExecution.checkKey(request.key));
    const fingerprint = fingerprintOf(request.payload);
    const claim = await this.store.claim(key, fingerprint, this.settings.inFlightTtlMs);
    switch (claim.state) {
      case 'done':
        return { answer: claim.answer, replayed: true };
      case 'in-flight': {
        if (settleInFlight === undefined) throw new IdempotencyKeyInFlightError();
        const answer = settleInFlight();
        await this.store.complete(key, fingerprint, answer, this.settings.ttlMs);
        return { answer, replayed: false };
      }
      case 'mismatch':
        throw new IdempotencyKeyReusedError();
      case 'claimed':
        break;
    }
    let outcome: Outcome;
    try {
      outcome = await work();
    } catch (error) {
      await this.forget(key);
      throw error;
    }
    if (outcome.keep) {
      await this.store.complete(key, fingerprint, outcome.answer, this.settings.ttlMs).catch((error: unknown) => {
        // The message went out (or failed for good) but a retry will not know: say so, loudly.
        this.logger.error('idempotency answer could not be stored: a retry with this key may send again', {
          reason: error instanceof Error ? error.message : String(error),
        });
      });
    } else {
      await this.forget(key);
    }
    return { answer: outcome.answer, replayed: false };
  }

  private async forget(key: string): Promise<void> {
    await this.store.release(key).catch((error: unknown) => {
      this.logger.warn('idempotency claim could not be released: the key stays busy until it expires', {
        reason: error instanceof Error ? error.message : String(error),
      });
    });
  }
}

// The store sees a digest, never the caller's key: keys are opaque and may carry anything.
function storeKey(scope: string, key: string): string {
  return createHash('sha256').update(`${scope}\n${key}`).digest('base64url');
}

/** The same JSON value gives the same fingerprint whatever the order of its object keys. */
export function fingerprintOf(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${canonicalJson((value as Record<string, unknown>)[name])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
