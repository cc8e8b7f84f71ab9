import type { Redis } from 'ioredis';
import {
  claimOf,
  IdempotencyStoreUnavailableError,
  type IdempotencyClaim,
  type IdempotencyRecord,
  type IdempotencyStore,
  type StoredAnswer,
} from '../../application/ports/idempotency-store.js';

// Answers the record already under the key, or claims the key (nil) in the same atomic step.
const CLAIM = `
local found = redis.call('GET', KEYS[1])
if found then return found end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
`;

type ClaimCommand = (key: string, record: string, ttlMs: number) => Promise<string | null>;

/** Idempotency keys in Redis, shared by every replica: a claim is one script, so only one request wins a key. */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix = 'sms-service:',
  ) {
    redis.defineCommand('smsClaimIdempotencyKey', { numberOfKeys: 1, lua: CLAIM });
  }

  async claim(key: string, fingerprint: string, inFlightTtlMs: number): Promise<IdempotencyClaim> {
    const record: IdempotencyRecord = { fingerprint };
    const redisKey = this.keyOf(key);
    const claimKey = (this.redis as unknown as { smsClaimIdempotencyKey: ClaimCommand }).smsClaimIdempotencyKey.bind(this.redis);
    const found = await this.ask(() => claimKey(redisKey, JSON.stringify(record), Math.max(1, Math.round(inFlightTtlMs))));
    if (found === null) return { state: 'claimed' };
    return claimOf(JSON.parse(found) as IdempotencyRecord, fingerprint);
  }

  async complete(key: string, fingerprint: string, answer: StoredAnswer, ttlMs: number): Promise<void> {
    const record: IdempotencyRecord = { fingerprint, answer };
    await this.ask(() => this.redis.set(this.keyOf(key), JSON.stringify(record), 'PX', ttlMs));
  }

  async release(key: string): Promise<void> {
    await this.ask(() => this.redis.del(this.keyOf(key)));
  }

  async close(): Promise<void> {
    // The client is shared with the guard store; its owner closes it.
  }

  private keyOf(key: string): string {
    return `${this.keyPrefix}idempotency:${key}`;
  }

  private async ask<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new IdempotencyStoreUnavailableError(error);
    }
  }
}
