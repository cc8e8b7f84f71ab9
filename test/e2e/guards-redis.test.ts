import { expect } from 'chai';
import request from 'supertest';
import { startEmulator, type Emulator } from '../../emulator/provider-emulator.js';
import { RedisGuardStore } from '../../src/adapters/guards/redis-guard-store.js';
import type { GuardStore } from '../../src/application/ports/guard-store.js';
import { TOKENS } from '../../src/application/tokens.js';
import { VALID } from '../support/builders.js';
import { FakeClock } from '../support/fake-clock.js';
import { OwnRedis, SHARED_REDIS_URL, uniquePrefix } from '../support/redis.js';
import { startService, twilioEnv, type RunningService } from '../support/service.js';

const post = (service: RunningService, body: unknown) =>
  request(service.url).post('/send').set('Content-Type', 'application/json').send(JSON.stringify(body));

async function ready(service: RunningService): Promise<void> {
  const store = service.container.get<GuardStore>(TOKENS.GuardStore);
  if (store instanceof RedisGuardStore) expect(await store.whenReady(3000), 'Redis must answer').to.equal(true);
}

describe('guards shared by two replicas through Redis (end to end)', function () {
  this.timeout(20000);
  let emulator: Emulator;
  const replicas: RunningService[] = [];

  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());
  beforeEach(() => emulator.reset());
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.close()));
  });

  async function twoReplicas(env: Record<string, string>, clock?: FakeClock): Promise<[RunningService, RunningService]> {
    const shared = twilioEnv(emulator.url, { REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: uniquePrefix(), ...env });
    for (let i = 0; i < 2; i++) replicas.push(await startService(shared, clock === undefined ? {} : { clock }));
    await Promise.all(replicas.map(ready));
    return [replicas[0] as RunningService, replicas[1] as RunningService];
  }

  it('enforces one global limit: 100 requests spread over both, RATE_LIMIT_MAX_REQUESTS=50, exactly 50 accepted', async () => {
    const [a, b] = await twoReplicas({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_MAX_REQUESTS: '50', RATE_LIMIT_TIME_WINDOW: '1 minute' });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => post(i % 2 === 0 ? a : b, { ...VALID, receiver: `+1555000${String(i).padStart(4, '0')}` })),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 200)).to.have.length(50);
    expect(statuses.filter((status) => status === 429)).to.have.length(50);
    expect(emulator.count()).to.equal(50);
  });

  it('recognises an Idempotency-Key on the other replica: replayed, or 409 while in flight, never sent twice', async () => {
    const [a, b] = await twoReplicas({});
    const keyed = (service: RunningService, key: string) =>
      request(service.url).post('/send').set('Content-Type', 'application/json').set('Idempotency-Key', key).send(JSON.stringify(VALID));
    const first = await keyed(a, 'cross-replica-1').expect(200);
    const replay = await keyed(b, 'cross-replica-1').expect(200).expect('Idempotent-Replayed', 'true');
    expect(replay.text).to.equal(first.text);
    expect(emulator.count()).to.equal(1);

    emulator.inject({ fault: { kind: 'delay', ms: 300 }, times: 1 });
    const slow = keyed(a, 'cross-replica-2').then((res) => res);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await keyed(b, 'cross-replica-2').expect(409);
    expect((await slow).status).to.equal(200);
    expect(emulator.count()).to.equal(2);
  });

  it('shares the back-off per receiver: the second send, on the other replica, is held 1 s', async () => {
    const clock = new FakeClock();
    const [a, b] = await twoReplicas({ EXPONENTIAL_DELAY_RESET_AFTER: '120' }, clock);
    await post(a, VALID).expect(200);
    const held = post(b, VALID).then((res) => res);
    await clock.untilSleeping();
    expect(clock.pendingSleeps).to.deep.equal([1000]);
    expect(emulator.count()).to.equal(1);
    clock.advance(1000);
    expect((await held).status).to.equal(200);
    expect(emulator.count()).to.equal(2);
  });

  describe('when Redis goes away', () => {
    let redis: OwnRedis;
    beforeEach(async () => {
      redis = await OwnRedis.start();
    });
    afterEach(() => redis.stop());

    async function replicaOn(env: Record<string, string>): Promise<RunningService> {
      const replica = await startService(
        twilioEnv(emulator.url, { REDIS_URL: redis.url, RATE_LIMIT_ENABLED: 'true', EXPONENTIAL_DELAY_RESET_AFTER: '120', ...env }),
      );
      replicas.push(replica);
      await ready(replica);
      return replica;
    }

    it('fails closed by default (503 guard store unavailable, no provider call), then recovers by itself', async () => {
      const replica = await replicaOn({});
      await post(replica, VALID).expect(200);
      await redis.stop();
      const started = Date.now();
      const refused = await post(replica, { ...VALID, receiver: '+15558675311' }).expect(503);
      expect(refused.body).to.deep.equal({ statusCode: '503', error: 'Service Unavailable', message: 'guard store unavailable' });
      expect(Date.now() - started).to.be.below(2000);
      expect(emulator.count()).to.equal(1);
      await post(replica, { ...VALID, receiver: '+15558675314' }).expect(503);
      expect(replica.logs()).to.include('guard store unavailable: refusing the message');
      // One error line for the outage, not one per request.
      expect(replica.logs().split('\n').filter((line) => line.includes('"level":"error"'))).to.have.length(1);
      await redis.start();
      await ready(replica);
      await post(replica, { ...VALID, receiver: '+15558675312' }).expect(200);
      expect(replica.logs()).to.include('guard store reachable again');
    });

    it('fails open with GUARDS_FAIL_OPEN=true: the message goes, and the log says so', async () => {
      const replica = await replicaOn({ GUARDS_FAIL_OPEN: 'true' });
      await redis.stop();
      await post(replica, { ...VALID, receiver: '+15558675313' }).expect(200);
      expect(emulator.count()).to.equal(1);
      expect(replica.logs()).to.include('guard store unavailable: letting the message through');
    });

    it('keeps answering other routes while Redis is down', async () => {
      const replica = await replicaOn({});
      await redis.stop();
      await request(replica.url).get('/-/healthz').expect(200);
      await request(replica.url).post('/segments').set('Content-Type', 'application/json').send('{"body":"hi"}').expect(200);
    });
  });
});
