import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startEmulator, type Emulator } from '../../emulator/provider-emulator.js';
import { RedisGuardStore } from '../../src/adapters/guards/redis-guard-store.js';
import type { GuardStore } from '../../src/application/ports/guard-store.js';
import { TOKENS } from '../../src/application/tokens.js';
import { batch } from '../support/batch-cli.js';
import { OwnRedis } from '../support/redis.js';
import { startService, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, twilioEnv, type RunningService } from '../support/service.js';

const API_KEY = 'log-leak-api-key-0123456789';
// Every receiver and body used below: none may appear in any log line, whatever path the message took.
const RECEIVERS = Array.from({ length: 32 }, (_, i) => `+1555${String(7_000_000 + i)}`);
const BODY = (i: number) => `Secret reminder text number ${i} for the patient`;
const WRONG_AUTH_TOKEN = 'log-leak-wrong-twilio-token-4242';
const SECRETS = [TEST_AUTH_TOKEN, API_KEY, WRONG_AUTH_TOKEN, 'kaleyra-secret-key-value'];

/** No receiver, in full or without its plus, no body text and no secret anywhere; masked numbers are fine. */
function expectNoLeak(all: string): void {
  for (const receiver of RECEIVERS) {
    expect(all, receiver).not.to.include(receiver);
    expect(all, receiver).not.to.include(receiver.slice(1));
  }
  for (let i = 0; i < RECEIVERS.length; i++) expect(all).not.to.include(BODY(i));
  expect(all).not.to.include('Secret reminder');
  for (const secret of SECRETS) expect(all).not.to.include(secret);
  // Masked numbers are there: the log still says where a message went.
  expect(all).to.match(/\+1\*{8}\d\d/);
}

describe('no phone number, message text, token or API key in the logs, on every path (end to end, debug level)', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  const services: RunningService[] = [];
  const outputs: string[] = [];

  before(async () => {
    emulator = await startEmulator({ twilioAuthToken: TEST_AUTH_TOKEN });
  });
  after(async () => {
    await Promise.all(services.map((service) => service.close()));
    await emulator.close();
  });

  async function service(env: Record<string, string>): Promise<RunningService> {
    const started = await startService({ LOG_LEVEL: 'debug', API_KEYS: API_KEY, ...env });
    services.push(started);
    return started;
  }
  const send = (target: RunningService, i: number, extra: Record<string, string> = {}, body = BODY(i)) =>
    request(target.url)
      .post('/send')
      .set('Content-Type', 'application/json')
      .set('Authorization', `Bearer ${API_KEY}`)
      .set(extra)
      .send(JSON.stringify({ sender: '+15017122661', receiver: RECEIVERS[i], body }));

  it('sends through success, provider errors, guards, retries, failover, idempotency, the sandbox and a batch', async () => {
    const twilio = await service(
      twilioEnv(emulator.url, {
        PROVIDER_TIMEOUT_MS: '300',
        CIRCUIT_FAILURES: '1000',
        RATE_LIMIT_ENABLED: 'true',
        // Eight messages reach the guards' rate limit below (a back-off refusal gives its place back); the ninth is refused.
        RATE_LIMIT_MAX_REQUESTS: '8',
        EXPONENTIAL_DELAY_RESET_AFTER: '120',
        EXPONENTIAL_DELAY_MAX_WAIT: '0',
        BLOCKED_PREFIXES: RECEIVERS[10] as string,
      }),
    );
    await send(twilio, 0).expect(200);
    await send(twilio, 0, { 'Idempotency-Key': 'leak-1' }).expect(429); // back-off: a second message to the same receiver
    await send(twilio, 10).expect(403); // blocked prefix
    emulator.inject({ fault: { kind: 'status', status: 400, body: { code: 21211, message: `The 'To' number ${RECEIVERS[1]} is not a valid phone number.`, status: 400 } }, times: 1 });
    await send(twilio, 1).expect(400);
    emulator.inject({ fault: { kind: 'status', status: 429 }, times: 3 });
    await send(twilio, 2).expect(429);
    emulator.inject({ fault: { kind: 'status', status: 500 }, times: 1 });
    await send(twilio, 3).expect(502);
    emulator.inject({ fault: { kind: 'reset' }, times: 1 });
    await send(twilio, 4).expect(502);
    emulator.inject({ fault: { kind: 'hang' }, times: 1 });
    await send(twilio, 5).expect(504);
    await send(twilio, 6, { 'Idempotency-Key': 'leak-2' }).expect(200);
    await send(twilio, 6, { 'Idempotency-Key': 'leak-2' }).expect(200).expect('Idempotent-Replayed', 'true');
    await request(twilio.url).post('/send').set('Content-Type', 'application/json').send({ sender: 'ACME', receiver: RECEIVERS[7], body: BODY(7) }).expect(401);
    await request(twilio.url).post('/send').set('Content-Type', 'application/json').set('Authorization', `Bearer ${API_KEY}`).send(`{"sender":"ACME","receiver":"${RECEIVERS[7]}","body":"${BODY(7)}"`).expect(400);
    await send(twilio, 11).expect(200);
    await send(twilio, 12).expect(429); // global rate limit used up
    outputs.push(twilio.logs());

    const failover = await service(
      twilioEnv(`http://127.0.0.1:9`, { SERVICE_PROVIDER: 'twilio,kaleyra', KALEYRA_BASE_URL: emulator.url, KALEYRA_API_KEY: 'kaleyra-secret-key-value', KALEYRA_SID: 'HXIN1' }),
    );
    await send(failover, 8).expect(200);
    outputs.push(failover.logs());

    const sandbox = await service({});
    await send(sandbox, 9).expect(200);
    await request(sandbox.url).get('/sandbox/messages').set('Authorization', `Bearer ${API_KEY}`).expect(200);
    outputs.push(sandbox.logs());

    const dir = mkdtempSync(join(tmpdir(), 'sms-leak-'));
    const file = join(dir, 'rows.csv');
    writeFileSync(file, `receiver,body\n${RECEIVERS[13]},"${BODY(13)}"\n+1 555,bad row\n`);
    const results = join(dir, 'results.jsonl');
    const run = await batch(['send', file, '--results', results, '--sender', 'ACME'], {
      SERVICE_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_BASE_URL: emulator.url,
      LOG_LEVEL: 'debug',
    });
    expect(run.status).to.equal(2);
    outputs.push(run.stdout, run.stderr, readFileSync(results, 'utf8'));

    const all = outputs.join('\n');
    expect(all).to.include('sms accepted by provider').and.include('sms not accepted by provider').and.include('retrying provider call');
    expectNoLeak(all);
  });

  it('sends through every error path too: 503 (circuit open, empty balance, guard and idempotency stores down), 409, 422, 413, 415, MAX_SEGMENTS, refused credentials', async () => {
    const logs: string[] = [];

    const breaking = await service(twilioEnv(emulator.url, { CIRCUIT_FAILURES: '1', CIRCUIT_COOLDOWN: '30s' }));
    emulator.inject({ fault: { kind: 'status', status: 503 }, times: 1 });
    await send(breaking, 14).expect(502);
    expect((await send(breaking, 15).expect(503)).body.message).to.include('circuit is open');
    logs.push(breaking.logs());

    const broke = await service(twilioEnv(emulator.url, { TWILIO_EMPTY_BALANCE_CHECK: 'true' }));
    emulator.setBalance('twilio', 0);
    try {
      expect((await send(broke, 16).expect(503)).body.message).to.include('balance is exhausted');
    } finally {
      emulator.setBalance('twilio', 100);
    }
    logs.push(broke.logs());

    const redis = await OwnRedis.start();
    try {
      const shared = await service(twilioEnv(emulator.url, { REDIS_URL: redis.url, RATE_LIMIT_ENABLED: 'true', EXPONENTIAL_DELAY_RESET_AFTER: '120' }));
      const store = shared.container.get<GuardStore>(TOKENS.GuardStore);
      expect(store instanceof RedisGuardStore && (await store.whenReady(3000)), 'Redis must answer').to.equal(true);
      await send(shared, 17).expect(200);
      await redis.stop();
      expect((await send(shared, 18).expect(503)).body.message).to.equal('guard store unavailable');
      expect((await send(shared, 19, { 'Idempotency-Key': 'leak-redis-down' }).expect(503)).body.message).to.include('idempotency store unavailable');
      logs.push(shared.logs());
    } finally {
      await redis.stop();
    }

    const keyed = await service(twilioEnv(emulator.url, { PROVIDER_TIMEOUT_MS: '2000' }));
    await send(keyed, 20, { 'Idempotency-Key': 'leak-reused' }).expect(200);
    await send(keyed, 21, { 'Idempotency-Key': 'leak-reused' }).expect(422);
    emulator.inject({ fault: { kind: 'delay', ms: 400 }, times: 1 });
    const first = send(keyed, 22, { 'Idempotency-Key': 'leak-in-flight' }).then((res) => res);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await send(keyed, 22, { 'Idempotency-Key': 'leak-in-flight' }).expect(409);
    expect((await first).status).to.equal(200);
    const raw = (i: number, contentType: string, body: string) =>
      request(keyed.url).post('/send').set('Content-Type', contentType).set('Authorization', `Bearer ${API_KEY}`).send(body);
    await raw(23, 'application/json', JSON.stringify({ sender: 'ACME', receiver: RECEIVERS[23], body: `${BODY(23)} `.repeat(400) })).expect(413);
    await raw(24, 'text/plain', JSON.stringify({ sender: 'ACME', receiver: RECEIVERS[24], body: BODY(24) })).expect(415);
    logs.push(keyed.logs());

    const capped = await service({ MAX_SEGMENTS: '1' });
    expect((await send(capped, 25, {}, `${BODY(25)} `.repeat(4)).expect(400)).body.message).to.include('more than the maximum of 1');
    expect((await send(capped, 26, {}, `${BODY(26)}’ `.repeat(2)).expect(400)).body.message).to.include('more than the maximum of 1');
    logs.push(capped.logs());

    const refused = await service(twilioEnv(emulator.url, { TWILIO_AUTH_TOKEN: WRONG_AUTH_TOKEN }));
    expect((await send(refused, 27).expect(502)).body.message).to.include('HTTP 401');
    logs.push(refused.logs());

    const all = logs.join('\n');
    expect(all).to.include('guard store unavailable: refusing the message');
    expectNoLeak(all);
  });
});
