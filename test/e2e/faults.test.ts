import { expect } from 'chai';
import request from 'supertest';
import { startEmulator, type Emulator, type Fault, type RecordedCall } from '../../emulator/provider-emulator.js';
import { VALID } from '../support/builders.js';
import { freePort } from '../support/redis.js';
import { startService, twilioEnv, TEST_AUTH_TOKEN, type RunningService } from '../support/service.js';

const KALEYRA_ENV = { KALEYRA_API_KEY: 'e2e-kaleyra-key', KALEYRA_SID: 'HXIN0001' };

const sendTo = (service: RunningService, body: unknown = VALID, key?: string) => {
  const req = request(service.url).post('/send').set('Content-Type', 'application/json');
  return (key === undefined ? req : req.set('Idempotency-Key', key)).send(JSON.stringify(body));
};

/**
 * A call the provider may have acted on: it answered 2xx (however late or garbled), the line dropped, or it
 * answered a 5xx other than 503 (a 500 or a gateway's 502/504 can come after the message was created).
 */
const mayHaveTaken = (call: RecordedCall) =>
  call.outcome === 'reset' || call.outcome === 'hang' || (typeof call.outcome === 'number' && (call.outcome < 300 || (call.outcome >= 500 && call.outcome !== 503)));

describe('provider faults, one provider (end to end, Twilio adapter → emulator over HTTP)', () => {
  let emulator: Emulator;
  let service: RunningService;

  before(async () => {
    emulator = await startEmulator({ twilioAuthToken: TEST_AUTH_TOKEN });
    service = await startService(twilioEnv(emulator.url, { PROVIDER_TIMEOUT_MS: '400', CIRCUIT_FAILURES: '1000' }));
  });
  after(async () => {
    await service.close();
    await emulator.close();
  });
  beforeEach(() => emulator.reset());
  // Whatever the fault, the process goes on serving.
  afterEach(async function () {
    if (this.currentTest?.state !== 'passed') return;
    emulator.reset();
    await sendTo(service).expect(200);
  });

  const cases: Array<[string, Fault, number, number]> = [
    ['slow, under the timeout', { kind: 'delay', ms: 150 }, 200, 1],
    ['slow, just over the timeout', { kind: 'delay', ms: 550 }, 504, 1],
    ['hanging', { kind: 'hang' }, 504, 1],
    ['answering 500', { kind: 'status', status: 500 }, 502, 1],
    ['answering 503', { kind: 'status', status: 503 }, 502, 1],
    ['resetting the connection after the request was written', { kind: 'reset' }, 502, 1],
    ['answering a malformed 2xx', { kind: 'malformed' }, 502, 1],
  ];
  for (const [what, fault, status, calls] of cases) {
    it(`answers ${status} with ${calls} provider call(s) when the provider is ${what}`, async () => {
      emulator.inject({ fault, times: 1 });
      const res = await sendTo(service).expect(status);
      expect(res.body.statusCode ?? '200').to.equal(String(status));
      expect(emulator.count()).to.equal(calls);
    });
  }

  it('retries a burst of 429s without Retry-After and sends on the third call', async () => {
    emulator.inject({ fault: { kind: 'status', status: 429 }, times: 2 });
    await sendTo(service).expect(200);
    expect(emulator.count()).to.equal(3);
    expect(emulator.calls().map((call) => call.outcome)).to.deep.equal([429, 429, 201]);
  });

  it('answers 429 after PROVIDER_MAX_RETRIES when the burst outlasts them', async () => {
    emulator.inject({ fault: { kind: 'status', status: 429 }, times: 5 });
    await sendTo(service).expect(429);
    expect(emulator.count()).to.equal(3);
  });

  it('does not wait for a Retry-After longer than the time left: 429 at once, one call', async () => {
    emulator.inject({ fault: { kind: 'status', status: 429, retryAfter: '1' }, times: 1 });
    const started = Date.now();
    await sendTo(service).expect(429).expect('Retry-After', '1');
    expect(Date.now() - started).to.be.below(400);
    expect(emulator.count()).to.equal(1);
  });

  it('answers 503 when the provider refuses connections, after its retries', async () => {
    const down = await startService(twilioEnv(`http://127.0.0.1:${await freePort()}`, { PROVIDER_TIMEOUT_MS: '2000' }));
    try {
      const res = await sendTo(down).expect(503);
      expect(res.body.message).to.include('ECONNREFUSED');
      expect(down.logs().match(/retrying provider call/g)).to.have.length(2);
    } finally {
      await down.close();
    }
  });
});

describe('Retry-After within the time left (end to end)', () => {
  it('waits what the provider asked, then sends: two calls, 200', async () => {
    const emulator = await startEmulator({ twilioAuthToken: TEST_AUTH_TOKEN });
    const service = await startService(twilioEnv(emulator.url, { PROVIDER_TIMEOUT_MS: '3000' }));
    try {
      emulator.inject({ fault: { kind: 'status', status: 429, retryAfter: '1' }, times: 1 });
      const started = Date.now();
      await sendTo(service).expect(200);
      expect(Date.now() - started).to.be.within(950, 2500);
      expect(emulator.calls().map((call) => call.outcome)).to.deep.equal([429, 201]);
    } finally {
      await service.close();
      await emulator.close();
    }
  });
});

describe('failover and routing between providers (end to end, Twilio and Kaleyra → emulator)', () => {
  let emulator: Emulator;
  let service: RunningService;
  const env = (emulatorUrl: string, extra: Record<string, string> = {}) =>
    twilioEnv(emulatorUrl, {
      ...KALEYRA_ENV,
      SERVICE_PROVIDER: 'twilio,kaleyra',
      KALEYRA_BASE_URL: emulatorUrl,
      KALEYRA_SENDER: 'ACMEIN',
      PROVIDER_TIMEOUT_MS: '400',
      ...extra,
    });

  before(async () => {
    emulator = await startEmulator({ twilioAuthToken: TEST_AUTH_TOKEN });
    service = await startService(env(emulator.url, { CIRCUIT_FAILURES: '1000', PROVIDER_ROUTES: '91=kaleyra,twilio' }));
  });
  after(async () => {
    await service.close();
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  it('sends through the primary and says so', async () => {
    const res = await sendTo(service).expect(200);
    expect(res.body.provider).to.equal('twilio');
    expect([emulator.count('twilio'), emulator.count('kaleyra')]).to.deep.equal([1, 0]);
  });

  it('fails over on a 503 (the provider did not process it) to the next provider, with that provider\'s sender', async () => {
    emulator.inject({ fault: { kind: 'status', status: 503 }, provider: 'twilio', times: 1 });
    const res = await sendTo(service).expect(200);
    expect(res.body.provider).to.equal('kaleyra');
    expect([emulator.count('twilio'), emulator.count('kaleyra')]).to.deep.equal([1, 1]);
    expect(emulator.calls('kaleyra')[0]?.form).to.deep.include({ sender: 'ACMEIN', to: VALID.receiver, body: VALID.body });
  });

  it('fails over after the primary\'s 429 burst outlasts its retries', async () => {
    emulator.inject({ fault: { kind: 'status', status: 429 }, provider: 'twilio', times: 3 });
    const res = await sendTo(service).expect(200);
    expect(res.body.provider).to.equal('kaleyra');
    expect([emulator.count('twilio'), emulator.count('kaleyra')]).to.deep.equal([3, 1]);
  });

  for (const [what, fault, status] of [
    ['a rejection of the message (400)', { kind: 'status', status: 400, body: { code: 21211, message: 'invalid To', status: 400 } }, 400],
    ['a timeout', { kind: 'hang' }, 504],
    ['a reset after the request was written', { kind: 'reset' }, 502],
    ['a malformed 2xx', { kind: 'malformed' }, 502],
    ['a 500 (the message may have been created)', { kind: 'status', status: 500 }, 502],
    ['a 504 from a gateway', { kind: 'status', status: 504 }, 502],
    [
      'a 2xx for a created message that carries an error code',
      { kind: 'status', status: 201, body: { sid: `SM${'ab'.repeat(16)}`, status: 'queued', error_code: 30001, error_message: 'Queue overflow' } },
      502,
    ],
  ] as const) {
    it(`never fails over on ${what}: ${status}, one call, none to the second provider`, async () => {
      emulator.inject({ fault: fault as Fault, provider: 'twilio', times: 1 });
      await sendTo(service).expect(status);
      expect([emulator.count('twilio'), emulator.count('kaleyra')]).to.deep.equal([1, 0]);
    });
  }

  it('routes a +91 receiver to Kaleyra first, and fails it over to Twilio', async () => {
    const indian = { ...VALID, receiver: '+919876543210' };
    expect((await sendTo(service, indian).expect(200)).body.provider).to.equal('kaleyra');
    emulator.inject({ fault: { kind: 'status', status: 503 }, provider: 'kaleyra', times: 1 });
    const res = await sendTo(service, indian).expect(200);
    expect(res.body.provider).to.equal('twilio');
    // Twilio is the primary: the request's own sender goes with it.
    expect(emulator.calls('twilio')[0]?.form.From).to.equal(VALID.sender);
  });

  it('sends through the second provider when the whole first one is down', async () => {
    const down = await startService(env(emulator.url, { TWILIO_BASE_URL: `http://127.0.0.1:${await freePort()}` }));
    try {
      const res = await sendTo(down).expect(200);
      expect(res.body.provider).to.equal('kaleyra');
      expect(emulator.count('kaleyra')).to.equal(1);
    } finally {
      await down.close();
    }
  });

  it('opens the primary\'s circuit after CIRCUIT_FAILURES failures: then goes straight to the second, and the check-up says so', async () => {
    const breaking = await startService(env(emulator.url, { CIRCUIT_FAILURES: '2', CIRCUIT_COOLDOWN: '1s' }));
    try {
      emulator.inject({ fault: { kind: 'status', status: 503 }, provider: 'twilio' });
      for (let i = 0; i < 4; i++) expect((await sendTo(breaking).expect(200)).body.provider).to.equal('kaleyra');
      expect([emulator.count('twilio'), emulator.count('kaleyra')]).to.deep.equal([2, 4]);
      const open = await request(breaking.url).get('/-/check-up').expect(200);
      expect(open.body.providers).to.deep.equal({ twilio: { circuit: 'open' }, kaleyra: { circuit: 'closed' } });

      // After the cool-down one trial goes through; it succeeds and the circuit closes.
      emulator.reset();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await sendTo(breaking).expect(200)).body.provider).to.equal('twilio');
      const closed = await request(breaking.url).get('/-/check-up').expect(200);
      expect(closed.body.providers.twilio).to.deep.equal({ circuit: 'closed' });
    } finally {
      await breaking.close();
    }
  });

  it('does not fail over on 500s, whose messages may exist, but counts them: once the circuit opens, messages go to the second', async () => {
    const breaking = await startService(env(emulator.url, { CIRCUIT_FAILURES: '2', CIRCUIT_COOLDOWN: '30s' }));
    try {
      emulator.inject({ fault: { kind: 'status', status: 500 }, provider: 'twilio' });
      await sendTo(breaking).expect(502);
      await sendTo(breaking).expect(502);
      expect([emulator.count('twilio'), emulator.count('kaleyra')]).to.deep.equal([2, 0]);
      expect((await sendTo(breaking).expect(200)).body.provider).to.equal('kaleyra');
      expect([emulator.count('twilio'), emulator.count('kaleyra')]).to.deep.equal([2, 1]);
    } finally {
      await breaking.close();
    }
  });

  it('answers 503 without any provider call when every circuit is open', async () => {
    const breaking = await startService(env(emulator.url, { CIRCUIT_FAILURES: '1', CIRCUIT_COOLDOWN: '30s' }));
    try {
      emulator.inject({ fault: { kind: 'status', status: 503 } });
      await sendTo(breaking).expect(502);
      const calls = emulator.count();
      const res = await sendTo(breaking).expect(503);
      expect(res.body.message).to.include('circuit is open');
      expect(emulator.count()).to.equal(calls);
    } finally {
      await breaking.close();
    }
  });
});

describe('1,000 requests with reused idempotency keys under injected faults (end to end)', () => {
  it('lets the provider take each key at most once, and answers every reuse of a finished key with its first answer', async function () {
    this.timeout(60_000);
    const emulator = await startEmulator({ twilioAuthToken: TEST_AUTH_TOKEN });
    const service = await startService(
      twilioEnv(emulator.url, {
        ...KALEYRA_ENV,
        SERVICE_PROVIDER: 'twilio,kaleyra',
        KALEYRA_BASE_URL: emulator.url,
        PROVIDER_TIMEOUT_MS: '300',
        CIRCUIT_FAILURES: '1000',
      }),
    );
    try {
      const faults: Fault[] = [
        { kind: 'status', status: 429 },
        { kind: 'status', status: 500 },
        { kind: 'status', status: 503 },
        { kind: 'reset' },
        { kind: 'delay', ms: 400 },
        { kind: 'malformed' },
        { kind: 'error-in-success' },
      ];
      let seed = 20261203;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const keys = Array.from({ length: 300 }, (_, i) => `batch-key-${i}`);
      const answers = new Map<string, Array<{ status: number; text: string; replayed: boolean }>>();
      let next = 0;
      const worker = async () => {
        while (next < 1000) {
          const n = next++;
          if (n % 7 === 0) emulator.inject({ fault: faults[Math.floor(random() * faults.length)] as Fault, times: 1 });
          const key = keys[Math.floor(random() * keys.length)] as string;
          const res = await sendTo(service, { ...VALID, body: `Reminder for ${key}` }, key);
          const list = answers.get(key) ?? [];
          list.push({ status: res.status, text: res.text, replayed: res.headers['idempotent-replayed'] === 'true' });
          answers.set(key, list);
        }
      };
      await Promise.all(Array.from({ length: 20 }, worker));

      const taken = new Map<string, number>();
      for (const call of emulator.calls()) {
        if (!mayHaveTaken(call)) continue;
        const key = (call.form.Body ?? call.form.body ?? '').replace('Reminder for ', '');
        taken.set(key, (taken.get(key) ?? 0) + 1);
      }
      expect([...taken.values()].every((count) => count === 1), JSON.stringify([...taken].filter(([, count]) => count > 1))).to.equal(true);
      // Every replay of a key is the same answer, and it is one that request with the key really got.
      let replays = 0;
      for (const list of answers.values()) {
        const replayed = list.filter((answer) => answer.replayed).map((answer) => answer.text);
        replays += replayed.length;
        expect(new Set(replayed).size).to.be.at.most(1);
        if (replayed.length > 0) expect(list.some((answer) => !answer.replayed && answer.text === replayed[0])).to.equal(true);
      }
      expect(replays).to.be.above(300);
      expect(emulator.count()).to.be.above(250);
    } finally {
      await service.close();
      await emulator.close();
    }
  });
});
