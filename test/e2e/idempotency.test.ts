import { expect } from 'chai';
import request from 'supertest';
import { startEmulator, type Emulator } from '../../emulator/provider-emulator.js';
import { VALID } from '../support/builders.js';
import { startService, twilioEnv, TEST_AUTH_TOKEN, type RunningService } from '../support/service.js';

describe('POST /send with an Idempotency-Key (end to end, Twilio adapter → emulator)', () => {
  let emulator: Emulator;
  let service: RunningService;

  before(async () => {
    emulator = await startEmulator({ twilioAuthToken: TEST_AUTH_TOKEN });
    service = await startService(twilioEnv(emulator.url, { PROVIDER_TIMEOUT_MS: '1000', CIRCUIT_FAILURES: '1000' }));
  });
  after(async () => {
    await service.close();
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  let keys = 0;
  const newKey = () => `key-${Date.now()}-${++keys}`;
  const send = (key: string | undefined, body: unknown = VALID) => {
    const req = request(service.url).post('/send').set('Content-Type', 'application/json');
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(JSON.stringify(body));
  };

  it('replays the first answer byte for byte, with Idempotent-Replayed: true, without calling the provider again', async () => {
    const key = newKey();
    const first = await send(key).expect(200);
    expect(first.headers['idempotent-replayed']).to.equal(undefined);
    const second = await send(key).expect(200).expect('Idempotent-Replayed', 'true');
    expect(second.text).to.equal(first.text);
    expect(second.headers['content-type']).to.equal(first.headers['content-type']);
    expect(emulator.count()).to.equal(1);
  });

  it('recognises the same body whatever the order of its keys', async () => {
    const key = newKey();
    await send(key, { sender: VALID.sender, receiver: VALID.receiver, body: VALID.body }).expect(200);
    await send(key, { body: VALID.body, receiver: VALID.receiver, sender: VALID.sender }).expect(200).expect('Idempotent-Replayed', 'true');
    expect(emulator.count()).to.equal(1);
  });

  it('answers 422 for the same key with a different body, and sends nothing', async () => {
    const key = newKey();
    await send(key).expect(200);
    const res = await send(key, { ...VALID, body: 'Another message' }).expect(422);
    expect(res.body).to.deep.equal({
      statusCode: '422',
      error: 'Unprocessable Entity',
      message: 'this Idempotency-Key was already used with a different request body; use a new key for a new message',
    });
    expect(emulator.count()).to.equal(1);
  });

  it('answers 409 to the same key while the first request is in flight, never making a second provider call', async () => {
    emulator.inject({ fault: { kind: 'delay', ms: 300 }, times: 1 });
    const key = newKey();
    const first = send(key).then((res) => res);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await send(key).expect(409);
    expect(second.body.statusCode).to.equal('409');
    expect((await first).status).to.equal(200);
    expect(emulator.count()).to.equal(1);
    // Once the first has finished, the key replays its answer.
    const third = await send(key).expect(200).expect('Idempotent-Replayed', 'true');
    expect(third.text).to.equal((await first).text);
  });

  it('does not keep a validation failure: the corrected request with the same key is sent', async () => {
    const key = newKey();
    await send(key, { ...VALID, receiver: '0044 7700' }).expect(400);
    expect(emulator.count()).to.equal(0);
    // A different body now: it would be 422 had the 400 been kept.
    await send(key).expect(200);
    expect(emulator.count()).to.equal(1);
  });

  it('keeps a rejection by the provider (its outcome is known) and replays it', async () => {
    const key = newKey();
    const rejected = { ...VALID, receiver: '+15005550001' };
    const first = await send(key, rejected).expect(400);
    const second = await send(key, rejected).expect(400).expect('Idempotent-Replayed', 'true');
    expect(second.text).to.equal(first.text);
    expect(emulator.count()).to.equal(1);
  });

  it('keeps a provider failure (502) and a timeout (504): the message may be out, so it is never sent again', async () => {
    for (const fault of [{ kind: 'status', status: 500 }, { kind: 'hang' }] as const) {
      emulator.reset();
      emulator.inject({ fault, times: 1 });
      const key = newKey();
      const first = await send(key);
      expect(first.status).to.be.oneOf([502, 504]);
      await send(key).expect(first.status).expect('Idempotent-Replayed', 'true');
      expect(emulator.count()).to.equal(1);
    }
  });

  for (const { status, answered, retryAfter, what } of [
    { status: 429, answered: 429, retryAfter: '30', what: 'a 429 from the provider' },
    { status: 503, answered: 502, retryAfter: '12', what: "the provider's 503 (it did not process the message)" },
  ]) {
    it(`does not keep ${what}: a retry with the same key may send`, async () => {
      emulator.inject({ fault: { kind: 'status', status, retryAfter }, times: 1 });
      const key = newKey();
      await send(key).expect(answered).expect('Retry-After', retryAfter);
      const retry = await send(key).expect(200);
      expect(retry.headers['idempotent-replayed']).to.equal(undefined);
      expect(emulator.count()).to.equal(2);
    });
  }

  for (const [what, key] of [
    ['an empty key', ''],
    ['a key over 255 characters', 'k'.repeat(256)],
    ['a key with a control character', 'abc\tdef'],
  ] as const) {
    it(`answers 400 for ${what}, sending nothing`, async () => {
      const res = await send(key).expect(400);
      expect(res.body.message).to.equal('Idempotency-Key must be 1 to 255 printable ASCII characters');
      expect(emulator.count()).to.equal(0);
    });
  }

  it('accepts a key of exactly 255 printable characters', async () => {
    await send(`${'~'.repeat(250)}${String(++keys).padStart(5, '0')}`).expect(200);
  });

  it('never writes the key itself to the logs', async () => {
    const key = `secret-key-${newKey()}`;
    await send(key).expect(200);
    expect(service.logs()).not.to.include(key);
  });
});
