import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { InMemoryIdempotencyStore } from '../../src/adapters/idempotency/in-memory-idempotency-store.js';
import { RedisIdempotencyStore } from '../../src/adapters/idempotency/redis-idempotency-store.js';
import { IdempotencyStoreUnavailableError, type IdempotencyStore, type StoredAnswer } from '../../src/application/ports/idempotency-store.js';
import { rejectionOf } from '../support/rejection.js';
import { redisClient, uniquePrefix } from '../support/redis.js';

const ANSWER: StoredAnswer = { status: 200, contentType: 'application/json; charset=utf-8', body: '{"sid":"SM1","note":"ünïcode ✓"}' };

const stores: Array<[string, () => Promise<{ store: IdempotencyStore; done: () => Promise<void> }>]> = [
  ['in memory', async () => ({ store: new InMemoryIdempotencyStore(), done: async () => {} })],
  [
    'in Redis',
    async () => {
      const redis: Redis = redisClient();
      const store = new RedisIdempotencyStore(redis, uniquePrefix());
      return {
        store,
        done: async () => {
          await store.close();
          redis.disconnect();
        },
      };
    },
  ],
];

for (const [name, make] of stores) {
  describe(`idempotency store ${name} (contract)`, () => {
    let store: IdempotencyStore;
    let done: () => Promise<void>;
    beforeEach(async () => ({ store, done } = await make()));
    afterEach(() => done());

    it('gives a key to the first claim only; the same body sees it in flight, another body a mismatch', async () => {
      expect(await store.claim('k1', 'fp-a', 10_000)).to.deep.equal({ state: 'claimed' });
      expect(await store.claim('k1', 'fp-a', 10_000)).to.deep.equal({ state: 'in-flight' });
      expect(await store.claim('k1', 'fp-b', 10_000)).to.deep.equal({ state: 'mismatch' });
      expect(await store.claim('k2', 'fp-a', 10_000)).to.deep.equal({ state: 'claimed' });
    });

    it('of many claims at the same moment, exactly one wins', async () => {
      const claims = await Promise.all(Array.from({ length: 50 }, () => store.claim('race', 'fp', 10_000)));
      expect(claims.filter((claim) => claim.state === 'claimed')).to.have.length(1);
      expect(claims.filter((claim) => claim.state === 'in-flight')).to.have.length(49);
    });

    it('replays the completed answer exactly, and still refuses another body', async () => {
      await store.claim('k', 'fp', 10_000);
      await store.complete('k', 'fp', ANSWER, 10_000);
      expect(await store.claim('k', 'fp', 10_000)).to.deep.equal({ state: 'done', answer: ANSWER });
      expect(await store.claim('k', 'other', 10_000)).to.deep.equal({ state: 'mismatch' });
    });

    it('frees a released key for a new claim', async () => {
      await store.claim('k', 'fp', 10_000);
      await store.release('k');
      expect(await store.claim('k', 'other', 10_000)).to.deep.equal({ state: 'claimed' });
    });

    it('forgets an in-flight claim after its TTL, and an answer after its own', async () => {
      await store.claim('stale', 'fp', 50);
      await store.claim('kept', 'fp', 10_000);
      await store.complete('kept', 'fp', ANSWER, 80);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(await store.claim('stale', 'fp', 10_000)).to.deep.equal({ state: 'claimed' });
      expect(await store.claim('kept', 'fp', 10_000)).to.deep.equal({ state: 'claimed' });
    });
  });
}

describe('InMemoryIdempotencyStore memory bounds', () => {
  it('drops expired answers as new keys come, so memory follows one TTL of traffic', async () => {
    let now = 0;
    const store = new InMemoryIdempotencyStore(() => now);
    for (let i = 0; i < 1000; i++) {
      await store.claim(`k${i}`, 'fp', 1000);
      await store.complete(`k${i}`, 'fp', ANSWER, 5000);
      now += 10;
    }
    // Answers live 5 s; one is written every 10 ms: about 500 remain.
    expect(store.size).to.be.within(499, 501);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const store = new InMemoryIdempotencyStore(() => 0, 10);
    for (let i = 0; i < 25; i++) await store.claim(`k${i}`, 'fp', 1000);
    expect(store.size).to.equal(10);
    expect(await store.claim('k24', 'fp', 1000)).to.deep.equal({ state: 'in-flight' });
    expect(await store.claim('k0', 'fp', 1000)).to.deep.equal({ state: 'claimed' });
  });
});

describe('RedisIdempotencyStore when Redis is down', () => {
  it('fails with IdempotencyStoreUnavailableError, never with a raw client error', async () => {
    const redis = redisClient('redis://127.0.0.1:1');
    const store = new RedisIdempotencyStore(redis, uniquePrefix());
    try {
      await rejectionOf(store.claim('k', 'fp', 1000), IdempotencyStoreUnavailableError);
      await rejectionOf(store.complete('k', 'fp', ANSWER, 1000), IdempotencyStoreUnavailableError);
    } finally {
      redis.disconnect();
    }
  });
});
