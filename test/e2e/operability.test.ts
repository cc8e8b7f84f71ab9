import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { startEmulator, type Emulator } from '../../emulator/provider-emulator.js';
import { segmentsRequestSchema, sendRequestSchema } from '../../src/adapters/http/request-schemas.js';
import { VALID } from '../support/builders.js';
import { startService, twilioEnv, TEST_AUTH_TOKEN, type RunningService } from '../support/service.js';

const KEY_A = 'key-a-0123456789abcdef';
const KEY_B = 'key-b-0123456789abcdef';

describe('access control: API_KEYS (end to end)', () => {
  let service: RunningService;
  before(async () => {
    service = await startService({ API_KEYS: `${KEY_A},${KEY_B}` });
  });
  after(() => service.close());

  const post = (path: string, body: unknown) => request(service.url).post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));

  for (const [method, path] of [
    ['POST', '/send'],
    ['POST', '/segments'],
    ['GET', '/sandbox/messages'],
  ] as const) {
    it(`answers 401 in the error shape on ${method} ${path} without a key, or with a wrong one`, async () => {
      for (const headers of [{}, { Authorization: 'Bearer not-a-key-0123456789' }, { 'X-API-Key': `${KEY_A}x` }, { Authorization: `Basic ${KEY_A}` }]) {
        const req = method === 'POST' ? request(service.url).post(path).set('Content-Type', 'application/json').send('{}') : request(service.url).get(path);
        const res = await req.set(headers).expect(401).expect('WWW-Authenticate', 'Bearer');
        expect(res.body).to.deep.equal({
          statusCode: '401',
          error: 'Unauthorized',
          message: 'a valid API key is required: send it as Authorization: Bearer <key> or X-API-Key: <key>',
        });
      }
    });
  }

  it('accepts either key as a Bearer token or in X-API-Key', async () => {
    await post('/send', VALID).set('Authorization', `Bearer ${KEY_A}`).expect(200);
    await post('/send', VALID).set('X-API-Key', KEY_B).expect(200);
    await request(service.url).get('/sandbox/messages').set('Authorization', `bearer ${KEY_B}`).expect(200);
  });

  it('keeps health, readiness, metrics, documentation and the sandbox page shell open', async () => {
    for (const path of ['/-/healthz', '/-/ready', '/-/check-up', '/-/metrics', '/documentation/json', '/documentation/', '/sandbox']) {
      await request(service.url).get(path).expect(200);
    }
  });

  it('scopes idempotency keys per API key: the same Idempotency-Key from two callers is two messages', async () => {
    const first = await post('/send', VALID).set('Authorization', `Bearer ${KEY_A}`).set('Idempotency-Key', 'shared-key').expect(200);
    const second = await post('/send', VALID).set('Authorization', `Bearer ${KEY_B}`).set('Idempotency-Key', 'shared-key').expect(200);
    expect(second.headers['idempotent-replayed']).to.equal(undefined);
    expect(second.body.sid).not.to.equal(first.body.sid);
    const again = await post('/send', VALID).set('Authorization', `Bearer ${KEY_A}`).set('Idempotency-Key', 'shared-key').expect(200);
    expect(again.text).to.equal(first.text);
  });

  it('never writes a key to the logs', () => {
    expect(service.logs()).not.to.include(KEY_A).and.not.to.include(KEY_B);
  });

  it('sends security headers (helmet) on every answer', async () => {
    const res = await request(service.url).get('/-/healthz');
    expect(res.headers).to.include({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' });
    expect(res.headers['content-security-policy']).to.include("default-src 'self'");
  });
});

describe('metrics: GET /-/metrics (end to end, Twilio adapter → emulator)', () => {
  let emulator: Emulator;
  let service: RunningService;
  before(async () => {
    emulator = await startEmulator({ twilioAuthToken: TEST_AUTH_TOKEN });
    service = await startService(twilioEnv(emulator.url, { ALLOWED_COUNTRY_CODES: '1,44' }));
  });
  after(async () => {
    await service.close();
    await emulator.close();
  });

  it('counts messages, segments, guard refusals, provider calls and errors, and HTTP durations by route; no number or text in any label', async () => {
    const post = (body: unknown) => request(service.url).post('/send').set('Content-Type', 'application/json').send(JSON.stringify(body));
    await post(VALID).expect(200);
    await post({ ...VALID, body: 'Don’t forget: ' + 'x'.repeat(70) }).expect(200);
    await post({ ...VALID, receiver: '+15005550001' }).expect(400);
    await post({ ...VALID, receiver: '+393471234567' }).expect(403);

    const res = await request(service.url).get('/-/metrics').expect(200).expect('Content-Type', /text\/plain/);
    const text = res.text;
    expect(text).to.include('sms_messages_total{provider="twilio",outcome="sent"} 2');
    expect(text).to.include('sms_messages_total{provider="twilio",outcome="rejected"} 1');
    expect(text).to.include('sms_segments_total{provider="twilio",encoding="GSM-7"} 1');
    expect(text).to.include('sms_segments_total{provider="twilio",encoding="UCS-2"} 2');
    expect(text).to.include('sms_guard_refusals_total{guard="destination"} 1');
    expect(text).to.include('sms_provider_request_duration_seconds_count{provider="twilio",outcome="ok"} 2');
    expect(text).to.include('sms_provider_errors_total{provider="twilio",code="21211"} 1');
    expect(text).to.include('sms_circuit_state{provider="twilio"} 0');
    expect(text).to.match(/http_request_duration_seconds_count\{method="POST",route="\/send",status_code="200"\} 2/);
    expect(text).to.include('process_resident_memory_bytes');
    for (const secret of ['+15558675310', '15558675310', '+393471234567', 'Don’t forget', 'Your code is', TEST_AUTH_TOKEN]) expect(text).not.to.include(secret);
  });
});

describe('OpenAPI: GET /documentation/json and Swagger UI (end to end)', () => {
  let service: RunningService;
  let document: Record<string, unknown> & { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
  before(async () => {
    service = await startService({});
    document = (await request(service.url).get('/documentation/json').expect(200)).body;
  });
  after(() => service.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).to.equal('3.1.0');
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? [], JSON.stringify(result.errors)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
  });

  it('documents each route with the very schema its validation uses', () => {
    expect(document.components.schemas.SendRequest).to.deep.equal(JSON.parse(JSON.stringify(sendRequestSchema)));
    expect(document.components.schemas.SegmentsRequest).to.deep.equal(JSON.parse(JSON.stringify(segmentsRequestSchema)));
  });

  it('documents every public route', () => {
    expect(Object.keys(document.paths).sort()).to.deep.equal(['/-/check-up', '/-/healthz', '/-/metrics', '/-/ready', '/sandbox', '/sandbox/messages', '/segments', '/send']);
  });

  it("gives the README's examples, and they satisfy the documented schemas", () => {
    const readme = readFileSync('README.md', 'utf8');
    const paths = document.paths as Record<string, { post: { requestBody: { content: Record<string, { example: unknown }> }; responses: Record<string, { content?: Record<string, { example?: unknown }> }> } }>;
    const sendExample = paths['/send']?.post.requestBody.content['application/json']?.example;
    expect(readme).to.include(`-d '${JSON.stringify(sendExample)}'`);
    const ajv = new Ajv({ strict: false });
    for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${name}`);
    expect(ajv.validate('#/components/schemas/SendRequest', sendExample), JSON.stringify(ajv.errors)).to.equal(true);
    const answer = paths['/send']?.post.responses['200']?.content?.['application/json']?.example;
    expect(ajv.validate('#/components/schemas/SendResponse', answer), JSON.stringify(ajv.errors)).to.equal(true);
    expect(readme).to.include(JSON.stringify(answer).replace(/"2026-12-03T19:56:30.615Z"/, '"2026-12-03T19:56:30.615Z"'));
  });

  it('serves Swagger UI on the document', async () => {
    await request(service.url).get('/documentation').expect(301).expect('Location', '/documentation/');
    const page = await request(service.url).get('/documentation/').expect(200).expect('Content-Type', /html/);
    expect(page.text).to.include('swagger-ui');
    const init = await request(service.url).get('/documentation/swagger-ui-init.js').expect(200);
    expect(init.text).to.include('/documentation/json');
  });
});
