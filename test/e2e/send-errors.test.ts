import { expect } from 'chai';
import { connect, createServer } from 'node:net';
import request from 'supertest';
import { startEmulator, type Emulator } from '../../emulator/provider-emulator.js';
import { InMemorySmsGateway } from '../support/in-memory-sms-gateway.js';
import { startService, TEST_AUTH_TOKEN, twilioEnv, type RunningService } from '../support/service.js';
import { VALID } from '../support/builders.js';


function expectErrorShape(body: unknown, status: number, error: string): void {
  expect(body).to.have.all.keys('statusCode', 'error', 'message');
  expect(body).to.include({ statusCode: String(status), error });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('POST /send: every error answer (end to end)', () => {
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

  const send = (body: unknown = VALID) =>
    request(service.url).post('/send').set('Content-Type', 'application/json').send(JSON.stringify(body));

  describe('requests the service refuses itself', () => {
    it('answers 400 for malformed JSON, never an HTML page', async () => {
      const res = await request(service.url).post('/send').set('Content-Type', 'application/json').send('{"sender": ').expect(400);
      expect(res.headers['content-type']).to.match(/application\/json/);
      expectErrorShape(res.body, 400, 'Bad Request');
      expect(res.body.message).to.equal('the request body is not valid JSON');
    });

    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/json-patch+json']) {
      it(`answers 415 for Content-Type ${contentType}`, async () => {
        const res = await request(service.url).post('/send').set('Content-Type', contentType).send(JSON.stringify(VALID)).expect(415);
        expectErrorShape(res.body, 415, 'Unsupported Media Type');
      });
    }

    it('answers 415 when there is no Content-Type', async () => {
      const res = await request(service.url).post('/send').expect(415);
      expectErrorShape(res.body, 415, 'Unsupported Media Type');
    });

    it('answers 415 for JSON in a charset other than UTF-8', async () => {
      const res = await request(service.url).post('/send').set('Content-Type', 'application/json; charset=latin1').send(JSON.stringify(VALID)).expect(415);
      expectErrorShape(res.body, 415, 'Unsupported Media Type');
    });

    it('answers 415 for JSON declared as UTF-16', async () => {
      const res = await request(service.url).post('/send').set('Content-Type', 'application/json; charset=utf-16').send(JSON.stringify(VALID)).expect(415);
      expectErrorShape(res.body, 415, 'Unsupported Media Type');
    });

    it('answers 415 for a compressed body', async () => {
      const res = await request(service.url).post('/send').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send(JSON.stringify(VALID)).expect(415);
      expectErrorShape(res.body, 415, 'Unsupported Media Type');
      expect(emulator.count()).to.equal(0);
    });

    it('answers 400 for a body that is not valid UTF-8, and sends nothing', async () => {
      const bytes = Buffer.concat([Buffer.from('{"sender":"ACME","receiver":"+15558675310","body":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]);
      const res = await fetch(`${service.url}/send`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: bytes });
      expect(res.status).to.equal(400);
      expect(await res.json()).to.deep.include({ message: 'the request body is not valid UTF-8' });
      expect(emulator.count()).to.equal(0);
    });

    for (const json of ['null', '"a string"', '123', 'true', '[]']) {
      it(`answers 400 "must be a JSON object" for the JSON value ${json}`, async () => {
        const res = await request(service.url).post('/send').set('Content-Type', 'application/json').send(json).expect(400);
        expect(res.body.message).to.equal('the request body must be a JSON object');
      });
    }

    it('answers 400 naming the required fields for an empty body', async () => {
      const res = await request(service.url).post('/send').set('Content-Type', 'application/json').send('').expect(400);
      expect(res.body.message).to.equal('sender is required; receiver is required; body is required');
    });

    it('answers 400 in the JSON shape for a request that is not valid HTTP', async () => {
      const { port } = new URL(service.url);
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write('POST /send HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'));
        let data = '';
        socket.on('data', (chunk) => (data += chunk.toString()));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      expect(raw).to.match(/^HTTP\/1\.1 400 Bad Request/);
      expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).to.include({ statusCode: '400', error: 'Bad Request' });
    });

    it('answers 413 for a request body over 16 KiB', async () => {
      const res = await send({ ...VALID, body: 'a'.repeat(16 * 1024) }).expect(413);
      expectErrorShape(res.body, 413, 'Payload Too Large');
      expect(emulator.count()).to.equal(0);
    });

    it('answers 404 in the same shape for an unknown route', async () => {
      const res = await request(service.url).get('/nowhere').expect(404);
      expectErrorShape(res.body, 404, 'Not Found');
    });

    for (const method of ['get', 'put', 'delete', 'patch', 'options'] as const) {
      it(`answers 405 with Allow: POST for ${method.toUpperCase()} /send`, async () => {
        const res = await request(service.url)[method]('/send').expect(405).expect('Allow', 'POST');
        expectErrorShape(res.body, 405, 'Method Not Allowed');
      });
    }

    it('answers 405 with Allow: POST for HEAD /send', async () => {
      await request(service.url).head('/send').expect(405).expect('Allow', 'POST');
    });

    for (const path of ['/send/', '/SEND', '/send/x']) {
      it(`answers 404 for POST ${path}, sending nothing`, async () => {
        await request(service.url).post(path).set('Content-Type', 'application/json').send(JSON.stringify(VALID)).expect(404);
        expect(emulator.count()).to.equal(0);
      });
    }
  });

  describe('the provider rejects the message: 400 with its code and text', () => {
    const rejections: Array<[string, Partial<Record<keyof typeof VALID, string>>, number]> = [
      ['an invalid receiver', { receiver: '+15005550001' }, 21211],
      ['an invalid sender', { sender: '+15005550001' }, 21212],
      ['a destination without geo permission', { receiver: '+15005550003' }, 21408],
      ['an unsubscribed receiver', { receiver: '+15005550004' }, 21610],
      ['a receiver that cannot take SMS', { receiver: '+15005550009' }, 21614],
      ['an unreachable receiver', { receiver: '+15005550002' }, 21612],
    ];
    for (const [name, fields, code] of rejections) {
      it(`answers 400 for ${name} (Twilio ${code})`, async () => {
        const res = await send({ ...VALID, ...fields }).expect(400);
        expectErrorShape(res.body, 400, 'Bad Request');
        expect(res.body.message).to.match(/^Twilio rejected the message: .+/).and.include(`(Twilio error ${code})`);
        expect(emulator.count()).to.equal(1);
      });
    }

    it('answers 400 for a body Twilio finds too long (21617)', async () => {
      emulator.inject({ fault: { kind: 'status', status: 400, body: { code: 21617, message: 'The concatenated message body exceeds the 1600 character limit.', status: 400 } }, times: 1 });
      const res = await send().expect(400);
      expect(res.body.message).to.include('21617').and.include('1600 character limit');
    });
  });

  describe('the provider limits our rate: 429', () => {
    it('passes Retry-After on when the provider gave one', async () => {
      emulator.inject({ fault: { kind: 'status', status: 429, retryAfter: '5' }, times: 1 });
      const res = await send().expect(429).expect('Retry-After', '5');
      expectErrorShape(res.body, 429, 'Too Many Requests');
      expect(res.body.message).to.include('20429');
      expect(emulator.count()).to.equal(1);
    });

    it('sends no Retry-After when the provider gave none, after the first call and its 2 retries were all refused', async () => {
      emulator.inject({ fault: { kind: 'status', status: 429 }, times: 3 });
      const res = await send().expect(429);
      expect(res.headers['retry-after']).to.equal(undefined);
      expect(emulator.count()).to.equal(3);
    });
  });

  describe('the provider refuses our credentials or account: 502 without a secret', () => {
    it('answers 502 for a wrong auth token (401)', async () => {
      const wrong = await startService(twilioEnv(emulator.url, { TWILIO_AUTH_TOKEN: 'not-the-right-token' }));
      try {
        const res = await request(wrong.url).post('/send').set('Content-Type', 'application/json').send(JSON.stringify(VALID)).expect(502);
        expectErrorShape(res.body, 502, 'Bad Gateway');
        expect(res.body.message).to.include('HTTP 401').and.not.include('not-the-right-token');
        expect(res.body.message).not.to.include(TEST_AUTH_TOKEN);
        expect(wrong.logs()).not.to.include('not-the-right-token');
      } finally {
        await wrong.close();
      }
    });

    for (const status of [403, 404]) {
      it(`answers 502 for a ${status}`, async () => {
        emulator.inject({ fault: { kind: 'status', status }, times: 1 });
        const res = await send().expect(502);
        expect(res.body.message).to.include(`HTTP ${status}`);
      });
    }
  });

  describe('the provider fails: 502', () => {
    it('answers 502 for a 500', async () => {
      emulator.inject({ fault: { kind: 'status', status: 500 }, times: 1 });
      expectErrorShape((await send().expect(502)).body, 502, 'Bad Gateway');
    });

    it('answers 502 for a 503 from the provider', async () => {
      emulator.inject({ fault: { kind: 'status', status: 503 }, times: 1 });
      await send().expect(502);
    });

    it('answers 502 for a 2xx whose body reports an error', async () => {
      emulator.inject({ fault: { kind: 'error-in-success' }, times: 1 });
      const res = await send().expect(502);
      expect(res.body.message).to.include('Queue overflow');
    });

    it('answers 502 for an unparsable answer', async () => {
      emulator.inject({ fault: { kind: 'malformed' }, times: 1 });
      await send().expect(502);
    });

    it('answers 502 when the connection is reset after the request was sent, and does not retry', async () => {
      emulator.inject({ fault: { kind: 'reset' }, times: 1 });
      const res = await send().expect(502);
      expect(res.body.message).to.include('may have been sent');
      expect(emulator.count()).to.equal(1);
    });
  });

  it('answers 503 when the provider cannot be reached', async () => {
    const down = await startService(twilioEnv(`http://127.0.0.1:${await closedPort()}`));
    try {
      const res = await request(down.url).post('/send').set('Content-Type', 'application/json').send(JSON.stringify(VALID)).expect(503);
      expectErrorShape(res.body, 503, 'Service Unavailable');
      expect(res.body.message).to.include('ECONNREFUSED');
    } finally {
      await down.close();
    }
  });

  it('answers 504 when the provider does not answer within PROVIDER_TIMEOUT_MS, and does not retry', async () => {
    emulator.inject({ fault: { kind: 'hang' }, times: 1 });
    const started = Date.now();
    const res = await send().expect(504);
    expectErrorShape(res.body, 504, 'Gateway Timeout');
    expect(Date.now() - started).to.be.within(350, 3000);
    expect(emulator.count()).to.equal(1);
  });

  it('answers 200 when the provider is slow but within the timeout', async () => {
    emulator.inject({ fault: { kind: 'delay', ms: 200 }, times: 1 });
    await send().expect(200);
  });

  it('answers 500 with a generic message for anything unexpected; the stack goes to the log only', async () => {
    const broken = new InMemorySmsGateway().failWith(new TypeError('secret internals at line 42'));
    const service500 = await startService({}, { gateway: broken });
    try {
      const res = await request(service500.url).post('/send').set('Content-Type', 'application/json').send(JSON.stringify(VALID)).expect(500);
      expect(res.body).to.deep.equal({ statusCode: '500', error: 'Internal Server Error', message: 'internal server error' });
      expect(service500.logs()).to.include('secret internals at line 42');
    } finally {
      await service500.close();
    }
  });

  it('keeps serving after every kind of failure', async () => {
    for (const fault of [{ kind: 'reset' }, { kind: 'malformed' }, { kind: 'status', status: 500 }] as const) {
      emulator.inject({ fault, times: 1 });
      await send();
    }
    await send().expect(200);
  });
});
