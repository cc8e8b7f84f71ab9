import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { InMemoryGuardStore } from '../../src/adapters/guards/in-memory-guard-store.js';
import { RedisGuardStore } from '../../src/adapters/guards/redis-guard-store.js';
import type { GuardStore } from '../../src/application/ports/guard-store.js';
import { redisClient, uniquePrefix } from '../support/redis.js';

const SETTINGS = { rateLimit: { maxRequests: 5, windowMs: 1000 }, backoff: { resetAfterMs: 120_000, maxWaitMs: 8_000 } };

const stores: Array<[string, () => Promise<{ store: GuardStore; done: () => Promise<void> }>]> = [
  ['in memory', async () => ({ store: new InMemoryGuardStore(SETTINGS), done: async () => {} })],
  [
    'in Redis',
    async () => {
      const redis: Redis = redisClient();
      const store = new RedisGuardStore(redis, SETTINGS, uniquePrefix());
      expect(await store.whenReady(3000), 'Redis at REDIS_URL (default 127.0.0.1:6379) must answer').to.equal(true);
      return { store, done: () => store.close() };
    },
  ],
];

for (const [name, make] of stores) {
  describe(`guard store ${name} (contract)`, () => {
    let store: GuardStore;
    let done: () => Promise<void>;
    beforeEach(async () => ({ store, done } = await make()));
    afterEach(() => done());

    it('allows exactly maxRequests per window, counting down, then refuses until the window ends', async () => {
      const decisions = [];
      for (let i = 0; i < 7; i++) decisions.push(await store.consumeRateLimit());
      expect(decisions.map((d) => d.allowed)).to.deep.equal([true, true, true, true, true, false, false]);
      expect(decisions.map((d) => d.remaining)).to.deep.equal([4, 3, 2, 1, 0, 0, 0]);
      expect(decisions.every((d) => d.limit === 5 && d.resetMs > 0 && d.resetMs <= 1000)).to.equal(true);
      await new Promise((resolve) => setTimeout(resolve, 1050));
      expect((await store.consumeRateLimit()).allowed).to.equal(true);
    });

    it('holds the sends to one receiver 0, 1, 2, 4 and 8 s, then refuses the sixth', async () => {
      const holds = [];
      for (let k = 1; k <= 5; k++) {
        const decision = await store.reserveReceiver('receiver-a', 1_000 * k);
        expect(decision.refused).to.equal(false);
        holds.push(decision.holdMs);
      }
      expect(holds).to.deep.equal([0, 1000, 2000, 4000, 8000]);
      const sixth = await store.reserveReceiver('receiver-a', 6_000);
      expect(sixth).to.deep.include({ refused: true, holdMs: 16000 });
      // The fifth send goes at 5 s + 8 s = 13 s; the window ends 120 s after that.
      expect(sixth).to.have.property('retryAfterMs', 13_000 + 120_000 - 6_000);
    });

    it('keeps receivers apart', async () => {
      await store.reserveReceiver('receiver-a', 0);
      expect(await store.reserveReceiver('receiver-b', 0)).to.deep.include({ refused: false, holdMs: 0 });
    });

    it('starts a receiver again once the window has passed since its last send', async () => {
      await store.reserveReceiver('receiver-a', 0);
      await store.reserveReceiver('receiver-a', 0);
      expect(await store.reserveReceiver('receiver-a', 1_000 + 120_000)).to.deep.include({ refused: false, holdMs: 0 });
    });

    it('takes back a reservation whose message was not sent: the next send is held as if it never happened', async () => {
      await store.reserveReceiver('receiver-a', 0);
      const second = await store.reserveReceiver('receiver-a', 10);
      if (second.refused) throw new Error('the second send should be admitted');
      expect(second.holdMs).to.equal(1000);
      await store.releaseReceiver('receiver-a', second.reservation, 20);
      expect(await store.reserveReceiver('receiver-a', 30)).to.deep.include({ refused: false, holdMs: 1000 });
    });

    it('forgets a receiver whose only send of the window is taken back', async () => {
      const first = await store.reserveReceiver('receiver-a', 0);
      if (first.refused) throw new Error('the first send should be admitted');
      await store.releaseReceiver('receiver-a', first.reservation, 5);
      expect(await store.reserveReceiver('receiver-a', 10)).to.deep.include({ refused: false, holdMs: 0 });
    });

    it('leaves a count alone when a later send was counted after the reservation being taken back', async () => {
      const first = await store.reserveReceiver('receiver-a', 0);
      if (first.refused) throw new Error('the first send should be admitted');
      await store.reserveReceiver('receiver-a', 10);
      await store.releaseReceiver('receiver-a', first.reservation, 20);
      expect(await store.reserveReceiver('receiver-a', 30)).to.deep.include({ refused: false, holdMs: 2000 });
    });

    it('gives a refunded request back to the global rate limit', async () => {
      for (let i = 0; i < 5; i++) await store.consumeRateLimit();
      expect((await store.consumeRateLimit()).allowed).to.equal(false);
      await store.refundRateLimit();
      await store.refundRateLimit();
      expect((await store.consumeRateLimit()).allowed).to.equal(true);
    });

    it('says it is available', () => {
      expect(typeof store.isAvailable()).to.equal('boolean');
    });
  });
}
