import { expect } from 'chai';
import request from 'supertest';
import { startEmulator, type Emulator } from '../../emulator/provider-emulator.js';
import { startService, TEST_AUTH_TOKEN, twilioEnv, type RunningService } from '../support/service.js';
import { VALID } from '../support/builders.js';


describe('operations (end to end)', () => {
  describe('health routes', () => {
    let service: RunningService;
    before(async () => {
      service = await startService({});
    });
    after(() => service.close());

    for (const path of ['/-/healthz', '/-/ready']) {
      it(`answers 200 {status, name, version} on ${path}`, async () => {
        const res = await request(service.url).get(path).expect(200);
        expect(res.body).to.deep.equal({ status: 'OK', name: 'sms-service-under-test', version: '0.0.0-test' });
      });
    }

    it('answers 200 {status, name, version, providers} on /-/check-up; the sandbox has no circuit', async () => {
      const res = await request(service.url).get('/-/check-up').expect(200);
      expect(res.body).to.deep.equal({ status: 'OK', name: 'sms-service-under-test', version: '0.0.0-test', providers: {} });
    });

    it('answers 503 on /-/ready once shutdown has begun, while liveness stays 200', async () => {
      service.beginShutdown();
      const res = await request(service.url).get('/-/ready').expect(503);
      expect(res.body).to.include({ statusCode: '503', error: 'Service Unavailable' });
      await request(service.url).get('/-/healthz').expect(200);
    });
  });

  describe('the sandbox, the default provider', () => {
    let service: RunningService;
    beforeEach(async () => {
      service = await startService({});
    });
    afterEach(() => service.close());

    const send = (body: unknown) => request(service.url).post('/send').set('Content-Type', 'application/json').send(JSON.stringify(body));

    it('accepts a valid message and answers like a provider: a sid, status sent and the domain count', async () => {
      const res = await send({ ...VALID, body: 'a'.repeat(161) }).expect(200);
      expect(res.body.sid).to.match(/^SB[0-9a-f]{32}$/);
      expect(res.body).to.include({ status: 'sent', numSegments: '2' });
    });

    it('validates exactly like a real provider path', async () => {
      await send({ ...VALID, receiver: '0015558675310' }).expect(400);
    });

    it('lists what it accepted on GET /sandbox/messages, newest first, numbers masked', async () => {
      await send({ ...VALID, body: 'first' }).expect(200);
      await send({ ...VALID, body: 'second ç' }).expect(200);
      const { body } = await request(service.url).get('/sandbox/messages').expect(200);
      expect(body.messages.map((m: { body: string }) => m.body)).to.deep.equal(['second ç', 'first']);
      expect(body.messages[0]).to.include({ receiver: '+1********10', sender: '+1********61', encoding: 'UCS-2', numSegments: 1 });
      expect(body.messages[0].nonGsmCharacters).to.deep.equal(['ç']);
    });

    it('keeps only the last 1000 messages', async () => {
      for (let i = 0; i < 1005; i++) await send({ ...VALID, body: `message ${i}` });
      const { body } = await request(service.url).get('/sandbox/messages').expect(200);
      expect(body.messages).to.have.length(1000);
      expect(body.messages[0].body).to.equal('message 1004');
      expect(body.messages[999].body).to.equal('message 5');
    }).timeout(30000);
  });

  it('has no /sandbox/messages when another provider is configured', async () => {
    const emulator = await startEmulator();
    const service = await startService(twilioEnv(emulator.url));
    try {
      await request(service.url).get('/sandbox/messages').expect(404);
    } finally {
      await service.close();
      await emulator.close();
    }
  });

  describe('request ids and logs', () => {
    let emulator: Emulator;
    let service: RunningService;
    before(async () => {
      emulator = await startEmulator();
      service = await startService(twilioEnv(emulator.url, { LOG_LEVEL: 'debug' }));
    });
    after(async () => {
      await service.close();
      await emulator.close();
    });

    const send = (body: unknown, requestId?: string) => {
      const req = request(service.url).post('/send').set('Content-Type', 'application/json');
      if (requestId !== undefined) req.set('X-Request-Id', requestId);
      return req.send(JSON.stringify(body));
    };

    it('reuses a sane X-Request-Id and puts it on every log line of that request, provider call included', async () => {
      const res = await send(VALID, 'order-42.attempt-1').expect(200);
      expect(res.headers['x-request-id']).to.equal('order-42.attempt-1');
      const lines = service.logs().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const mine = lines.filter((line) => line.requestId === 'order-42.attempt-1').map((line) => line.message);
      expect(mine).to.include.members(['sms accepted by provider', 'request completed']);
    });

    it('at info, writes one line for a sent message: the request line, with provider, sid and segments', async () => {
      const quiet = await startService(twilioEnv(emulator.url, { LOG_LEVEL: 'info' }));
      try {
        const res = await request(quiet.url)
          .post('/send')
          .set('Content-Type', 'application/json')
          .set('X-Request-Id', 'one-line-check')
          .send(JSON.stringify(VALID))
          .expect(200);
        const lines = quiet
          .logs()
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .filter((line) => line.requestId === 'one-line-check');
        expect(lines).to.have.length(1);
        expect(lines[0]).to.include({ message: 'request completed', method: 'POST', path: '/send', status: 200 });
        expect(lines[0]).to.include({ provider: 'twilio', sid: res.body.sid, providerStatus: 'queued', numSegments: 1, encoding: 'GSM-7' });
      } finally {
        await quiet.close();
      }
    });

    it('replaces an X-Request-Id that is not a plain identifier', async () => {
      const res = await send(VALID, 'evil"id with spaces').expect(200);
      expect(res.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    });

    it('logs one line per request with method, path, status, duration and request id', async () => {
      const res = await request(service.url).get('/-/healthz').expect(200);
      const line = service
        .logs()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.requestId === res.headers['x-request-id']);
      expect(line).to.include({ message: 'request completed', method: 'GET', path: '/-/healthz', status: 200 });
      expect(line?.durationMs).to.be.a('number');
    });

    it('never logs a whole phone number, a body, the auth token or the account secret', async () => {
      await send({ ...VALID, body: 'Secret body text 987654' }).expect(200);
      await send({ ...VALID, receiver: '+15005550001', body: 'Another secret body' }).expect(400);
      await send({ ...VALID, receiver: '+447700900123', body: 'x' }).expect(200);
      const logs = service.logs();
      for (const forbidden of ['+15558675310', '15558675310', '+15017122661', '+15005550001', '+447700900123', 'Secret body text', 'Another secret body', TEST_AUTH_TOKEN]) {
        expect(logs, forbidden).not.to.include(forbidden);
      }
      expect(logs).to.include('+1********10');
    });
  });

  describe('the Kaleyra adapter against the emulator', () => {
    let emulator: Emulator;
    let service: RunningService;
    before(async () => {
      emulator = await startEmulator({ kaleyraApiKey: 'kaleyra-e2e-key' });
      service = await startService({
        SERVICE_PROVIDER: 'kaleyra',
        KALEYRA_API_KEY: 'kaleyra-e2e-key',
        KALEYRA_SID: 'HXAP1234',
        KALEYRA_BASE_URL: emulator.url,
        KALEYRA_MESSAGE_TYPE: 'OTP',
      });
    });
    after(async () => {
      await service.close();
      await emulator.close();
    });

    it("sends and answers 200 with Kaleyra's message id, status queued and the domain's count", async () => {
      const res = await request(service.url)
        .post('/send')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ ...VALID, sender: 'ACME', body: 'Ciao ç' }))
        .expect(200);
      expect(res.body.sid).to.match(/^[0-9a-f-]{36}:1$/);
      expect(res.body).to.include({ status: 'queued', numSegments: '1' });
      expect(emulator.calls('kaleyra')[0]?.form).to.deep.equal({ to: VALID.receiver, sender: 'ACME', body: 'Ciao ç', type: 'OTP', unicode: '1' });
    });

    it('answers 400 when Kaleyra rejects the receiver', async () => {
      const res = await request(service.url)
        .post('/send')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ ...VALID, receiver: '+15005550001' }))
        .expect(400);
      expect(res.body.message).to.include('Kaleyra rejected the message');
    });
  });
});
