import { expect } from 'chai';
import request from 'supertest';
import { startEmulator, type Emulator } from '../../emulator/provider-emulator.js';
import { VALID } from '../support/builders.js';
import { FakeClock } from '../support/fake-clock.js';
import { startService, twilioEnv, type RunningService } from '../support/service.js';

const post = (service: RunningService, path: string, body: unknown) =>
  request(service.url).post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));

describe('fraud and cost guards on POST /send (end to end)', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());
  beforeEach(() => emulator.reset());

  describe('the global rate limit', () => {
    let service: RunningService;
    before(async () => {
      service = await startService(twilioEnv(emulator.url, { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_MAX_REQUESTS: '3', RATE_LIMIT_TIME_WINDOW: '1 minute' }));
    });
    after(() => service.close());

    it('answers RateLimit headers, then 429 with Retry-After once the limit is used up, without a provider call', async () => {
      const remaining = [];
      for (let i = 0; i < 3; i++) {
        const res = await post(service, '/send', { ...VALID, receiver: `+1555867531${i}` }).expect(200);
        expect(res.headers['ratelimit-limit']).to.equal('3');
        remaining.push(res.headers['ratelimit-remaining']);
        expect(Number(res.headers['ratelimit-reset'])).to.be.within(1, 60);
      }
      expect(remaining).to.deep.equal(['2', '1', '0']);
      const refused = await post(service, '/send', VALID).expect(429);
      expect(refused.body).to.include({ statusCode: '429', error: 'Too Many Requests' });
      expect(refused.body.message).to.match(/^rate limit exceeded: at most 3 messages per window/);
      expect(Number(refused.headers['retry-after'])).to.be.within(1, 60);
      expect(refused.headers['ratelimit-remaining']).to.equal('0');
      expect(emulator.count()).to.equal(3);
    });

    it('leaves /segments and the health routes alone', async () => {
      for (let i = 0; i < 5; i++) {
        await post(service, '/segments', { body: 'hello' }).expect(200);
        await request(service.url).get('/-/healthz').expect(200);
      }
    });
  });

  it('has no limit and no RateLimit headers with RATE_LIMIT_ENABLED=false', async () => {
    const service = await startService(twilioEnv(emulator.url, { RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_MAX_REQUESTS: '1' }));
    try {
      for (let i = 0; i < 3; i++) {
        const res = await post(service, '/send', { ...VALID, receiver: `+1555867532${i}` }).expect(200);
        expect(res.headers['ratelimit-limit']).to.equal(undefined);
      }
    } finally {
      await service.close();
    }
  });

  describe('the per-receiver back-off', () => {
    let clock: FakeClock;
    let service: RunningService;
    beforeEach(async () => {
      clock = new FakeClock();
      service = await startService(twilioEnv(emulator.url, { EXPONENTIAL_DELAY_RESET_AFTER: '120', EXPONENTIAL_DELAY_MAX_WAIT: '8' }), { clock });
    });
    afterEach(() => service.close());

    it('holds the 2nd to 5th sends to one receiver 1, 2, 4 and 8 s before the provider call, and refuses the 6th at once', async () => {
      await post(service, '/send', VALID).expect(200);
      expect(emulator.count()).to.equal(1);
      for (const [k, holdMs] of [[2, 1000], [3, 2000], [4, 4000], [5, 8000]] as const) {
        const answer = post(service, '/send', VALID).then((res) => res);
        await clock.untilSleeping();
        expect(clock.pendingSleeps).to.deep.equal([holdMs]);
        expect(emulator.count(), `send ${k} is held`).to.equal(k - 1);
        clock.advance(holdMs);
        expect((await answer).status).to.equal(200);
        expect(emulator.count()).to.equal(k);
      }
      const sixth = await post(service, '/send', VALID).expect(429);
      expect(sixth.body.message).to.match(/^too many messages to this receiver: the next one would wait 16 s, more than the 8 s allowed/);
      // The 5th send went 15 s after the first (1 + 2 + 4 + 8 s held); the window ends 120 s after it.
      expect(sixth.headers['retry-after']).to.equal('120');
      expect(emulator.count()).to.equal(5);
    });

    it('does not hold a message to another receiver', async () => {
      await post(service, '/send', VALID).expect(200);
      await post(service, '/send', { ...VALID, receiver: '+447700900123' }).expect(200);
      expect(clock.pendingSleeps).to.deep.equal([]);
    });

    it('starts again once EXPONENTIAL_DELAY_RESET_AFTER has passed since the last accepted send', async () => {
      await post(service, '/send', VALID).expect(200);
      clock.advance(119_000);
      const held = post(service, '/send', VALID).then((res) => res);
      await clock.untilSleeping();
      clock.advance(1000);
      await held;
      clock.advance(120_000);
      await post(service, '/send', VALID).expect(200);
      expect(clock.pendingSleeps).to.deep.equal([]);
    });

    it('counts only accepted sends: a refused request does not extend the window', async () => {
      // Five accepted sends (held 1 + 2 + 4 + 8 s), then refusals.
      await post(service, '/send', VALID).expect(200);
      for (const holdMs of [1000, 2000, 4000, 8000]) {
        const answer = post(service, '/send', VALID).then((res) => res);
        await clock.untilSleeping();
        clock.advance(holdMs);
        await answer;
      }
      await post(service, '/send', VALID).expect(429);
      clock.advance(60_000);
      await post(service, '/send', VALID).expect(429);
      clock.advance(60_000);
      await post(service, '/send', VALID).expect(200);
    });

    it('does not count a message the provider certainly did not take: the next one is held as if it never happened', async () => {
      await post(service, '/send', VALID).expect(200);
      emulator.inject({ fault: { kind: 'status', status: 400, body: { code: 21610, message: 'unsubscribed', status: 400 } }, times: 1 });
      const rejected = post(service, '/send', VALID).then((res) => res);
      await clock.untilSleeping();
      clock.advance(1000);
      expect((await rejected).status).to.equal(400);
      // Still the second message of the window: held 1 s, not 2 s.
      const next = post(service, '/send', VALID).then((res) => res);
      await clock.untilSleeping();
      expect(clock.pendingSleeps).to.deep.equal([1000]);
      clock.advance(1000);
      expect((await next).status).to.equal(200);
    });

    it('sends nothing when the client goes away while its message is held, and does not count it', async () => {
      await post(service, '/send', VALID).expect(200);
      const gone = new AbortController();
      const abandoned = fetch(`${service.url}/send`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(VALID),
        signal: gone.signal,
      }).catch((error: unknown) => error);
      await clock.untilSleeping();
      gone.abort();
      await abandoned;
      // The hold ends early once the client has gone; nothing reaches the provider.
      for (let i = 0; i < 100 && clock.pendingSleeps.length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(clock.pendingSleeps).to.deep.equal([]);
      expect(emulator.count()).to.equal(1);
      const next = post(service, '/send', VALID).then((res) => res);
      await clock.untilSleeping();
      expect(clock.pendingSleeps).to.deep.equal([1000]);
      clock.advance(1000);
      expect((await next).status).to.equal(200);
      expect(emulator.count()).to.equal(2);
    });
  });

  it('does not spend the global rate limit on a request the back-off refuses', async () => {
    const clock = new FakeClock();
    const service = await startService(
      twilioEnv(emulator.url, { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_MAX_REQUESTS: '2', EXPONENTIAL_DELAY_RESET_AFTER: '120', EXPONENTIAL_DELAY_MAX_WAIT: '0' }),
      { clock },
    );
    try {
      await post(service, '/send', VALID).expect(200);
      for (let i = 0; i < 3; i++) await post(service, '/send', VALID).expect(429); // the back-off: no hold allowed
      const other = await post(service, '/send', { ...VALID, receiver: '+447700900123' }).expect(200);
      expect(other.headers['ratelimit-remaining']).to.equal('0');
      expect(emulator.count()).to.equal(2);
    } finally {
      await service.close();
    }
  });

  it('never holds with EXPONENTIAL_DELAY_RESET_AFTER=0', async () => {
    const clock = new FakeClock();
    const service = await startService(twilioEnv(emulator.url, { EXPONENTIAL_DELAY_RESET_AFTER: '0' }), { clock });
    try {
      for (let i = 0; i < 8; i++) await post(service, '/send', VALID).expect(200);
      expect(clock.pendingSleeps).to.deep.equal([]);
    } finally {
      await service.close();
    }
  });

  describe('the empty-balance check', () => {
    let clock: FakeClock;
    let service: RunningService;
    beforeEach(async () => {
      clock = new FakeClock();
      service = await startService(twilioEnv(emulator.url, { TWILIO_EMPTY_BALANCE_CHECK: 'true' }), { clock });
    });
    afterEach(() => service.close());

    it('answers 503 without calling the send endpoint when the balance is 0', async () => {
      emulator.setBalance('twilio', 0);
      const res = await post(service, '/send', VALID).expect(503);
      expect(res.body).to.deep.equal({
        statusCode: '503',
        error: 'Service Unavailable',
        message: 'the twilio account balance is exhausted; no message was sent',
      });
      expect(emulator.count()).to.equal(0);
      expect(emulator.balanceCount('twilio')).to.equal(1);
    });

    it('asks the balance at most once per 30 s', async () => {
      for (let i = 0; i < 3; i++) await post(service, '/send', { ...VALID, receiver: `+1555867533${i}` }).expect(200);
      expect(emulator.balanceCount('twilio')).to.equal(1);
      clock.advance(30_001);
      emulator.setBalance('twilio', -0.5);
      await post(service, '/send', VALID).expect(503);
      expect(emulator.balanceCount('twilio')).to.equal(2);
    });

    it('sends anyway, with a warning, when the balance cannot be read', async () => {
      emulator.setBalance('twilio', 'error');
      await post(service, '/send', VALID).expect(200);
      expect(emulator.count()).to.equal(1);
      expect(service.logs()).to.include('provider balance could not be read: sending anyway');
    });
  });

  it('checks the Kaleyra balance with KALEYRA_EMPTY_BALANCE_CHECK=true', async () => {
    const service = await startService({
      SERVICE_PROVIDER: 'kaleyra',
      KALEYRA_API_KEY: 'key',
      KALEYRA_SID: 'HXAP1',
      KALEYRA_BASE_URL: emulator.url,
      KALEYRA_EMPTY_BALANCE_CHECK: 'true',
    });
    try {
      emulator.setBalance('kaleyra', 0);
      await post(service, '/send', VALID).expect(503);
      expect(emulator.count('kaleyra')).to.equal(0);
      expect(emulator.balanceCount('kaleyra')).to.equal(1);
    } finally {
      await service.close();
    }
  });

  it('does not check the balance by default', async () => {
    const service = await startService(twilioEnv(emulator.url));
    try {
      emulator.setBalance('twilio', 0);
      await post(service, '/send', VALID).expect(200);
      expect(emulator.balanceCount('twilio')).to.equal(0);
    } finally {
      await service.close();
    }
  });

  describe('the destination allow-list', () => {
    let service: RunningService;
    before(async () => {
      service = await startService(twilioEnv(emulator.url, { ALLOWED_COUNTRY_CODES: '39,44,1', BLOCKED_PREFIXES: '+1242,+3367' }));
    });
    after(() => service.close());

    it('answers 403 naming the rule for a receiver outside the allowed calling codes, with no provider call', async () => {
      const res = await post(service, '/send', { ...VALID, receiver: '+33612345678' }).expect(403);
      expect(res.body).to.deep.equal({
        statusCode: '403',
        error: 'Forbidden',
        message: 'destination not allowed: the receiver has calling code +33, not one of the allowed +39, +44, +1',
      });
      expect(emulator.count()).to.equal(0);
    });

    it('matches calling codes, not string prefixes: +1 admits every NANP number, +3 is not +39', async () => {
      await post(service, '/send', { ...VALID, receiver: '+18095551234' }).expect(200);
      await post(service, '/send', { ...VALID, receiver: '+393331234567' }).expect(200);
      await post(service, '/send', { ...VALID, receiver: '+351912345678' }).expect(403);
    });

    it('answers 403 for a receiver inside a blocked prefix, even under an allowed code', async () => {
      const res = await post(service, '/send', { ...VALID, receiver: '+12425551234' }).expect(403);
      expect(res.body.message).to.equal('destination not allowed: the receiver starts with the blocked prefix +1242');
      expect(emulator.count()).to.equal(0);
    });

    it('admits an allowed NANP number in the Caribbean when it is not blocked', async () => {
      await post(service, '/send', { ...VALID, receiver: '+18765551234' }).expect(200);
    });
  });
});
