import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv } from 'ajv';
import { contentSecurityPolicy } from 'helmet';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import request from 'supertest';
import { startEmulator, type Emulator } from '../../emulator/provider-emulator.js';
import { openApiDocument } from '../../src/adapters/http/openapi.js';
import { PrometheusMetrics } from '../../src/adapters/metrics/prometheus-metrics.js';
import type { CircuitStateName } from '../../src/adapters/resilience/circuit-breaking-sms-gateway.js';
import { VALID } from '../support/builders.js';
import { startService, twilioEnv, TEST_AUTH_TOKEN, type RunningService } from '../support/service.js';

const KEY_A = 'key-a-0123456789abcdef';
// Every state a circuit can be in: the compiler fails here when CircuitStateName gains one.
const CIRCUIT_STATES = Object.keys({ closed: true, 'half-open': true, open: true, isolated: true } satisfies Record<CircuitStateName, true>) as CircuitStateName[];
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

  it("keeps helmet's default Content-Security-Policy but for upgrade-insecure-requests, which breaks the pages over plain HTTP at any host but loopback", async () => {
    const served = (await request(service.url).get('/sandbox')).headers['content-security-policy']?.split(';') ?? [];
    expect(served.join(';')).not.to.include('upgrade-insecure-requests');
    const defaults = Object.entries(contentSecurityPolicy.getDefaultDirectives())
      .filter(([name]) => name !== 'upgrade-insecure-requests')
      .map(([name, values]) => [name, ...values].join(' '));
    expect(served).to.have.members(defaults);
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

  it('gives sms_circuit_state a value for every circuit state, and names each value in its help and in the README', async () => {
    const metrics = new PrometheusMetrics(() => CIRCUIT_STATES.map((state) => ({ provider: state, state })));
    const text = await metrics.registry.metrics();
    const help = /^# HELP sms_circuit_state (.*)$/m.exec(text)?.[1] ?? '';
    const readmeRow = readFileSync('README.md', 'utf8').split('\n').find((line) => line.startsWith('| `sms_circuit_state`')) ?? '';
    for (const state of CIRCUIT_STATES) {
      const value = new RegExp(`^sms_circuit_state\\{provider="${state}"\\} (\\d+)$`, 'm').exec(text)?.[1];
      expect(value, `${state} has a value`).to.be.a('string');
      expect(help, 'the help').to.include(`${value} ${state}`);
      expect(readmeRow, "the README's metrics table").to.include(`${value} ${state}`);
    }
  });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface MediaType {
  schema?: Json;
  examples?: Record<string, { summary?: string; value: Json }>;
}
interface Operation {
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

const operationsOf = (document: OpenApiDocument) =>
  Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })));

/** A schema with every `#/components/schemas/…` reference replaced by what it names, for ajv to compile alone. */
function deref(schema: Json, document: OpenApiDocument): Json {
  if (Array.isArray(schema)) return schema.map((item) => deref(item, document));
  if (schema === null || typeof schema !== 'object') return schema;
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    const target = document.components.schemas[name];
    if (target === undefined) throw new Error(`unresolved ${ref}`);
    return deref(target, document);
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, deref(value, document)]));
}

/** The documented schema, compiled by an ajv of its own (the service's ajv is not involved). */
const documentedValidator = (schema: Json, document: OpenApiDocument) => new Ajv({ strict: false }).compile(deref(schema, document) as object);

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
  slash?: boolean;
  rawPath?: unknown;
}

/** `METHOD /path` of every route in the running app's router stack, nested routers included. */
function servedRoutes(service: RunningService): string[] {
  // http.createServer(app) makes the Express app the server's first request listener.
  const app = service.server.server.listeners('request')[0] as unknown as { router?: { stack?: RouterLayer[] } };
  const stack = app.router?.stack;
  if (!Array.isArray(stack)) throw new Error('the server does not run an Express app');
  const routes: string[] = [];
  const walk = (layers: RouterLayer[], prefix: string) => {
    for (const layer of layers) {
      if (layer.route !== undefined) {
        // `_all` is the 405 answer for the other methods of a known path.
        for (const method of Object.keys(layer.route.methods).filter((name) => name !== '_all')) routes.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (Array.isArray(layer.handle.stack)) {
        walk(layer.handle.stack, layer.slash === true ? prefix : `${prefix}${String(layer.rawPath)}`);
      }
    }
  };
  walk(stack, '');
  return routes.sort();
}

interface PropertySchema {
  type?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  anyOf?: Array<{ pattern?: string }>;
}
interface ObjectSchema {
  type: 'object';
  required: string[];
  additionalProperties: boolean;
  properties: Record<string, PropertySchema>;
}

// The keywords casesFor knows how to break; any other makes the test fail until it learns it.
const OBJECT_KEYWORDS = new Set(['$id', 'type', 'required', 'additionalProperties', 'properties', 'description', 'examples']);
const PROPERTY_KEYWORDS = new Set(['type', 'minLength', 'maxLength', 'pattern', 'anyOf', 'description', 'examples']);
const WRONG_TYPE: Readonly<Record<string, Json>> = { string: 42, boolean: 'true', integer: 'one', number: 'one' };

/**
 * Bodies that break each constraint of a documented object schema (each required field missing, an extra field,
 * each field of a wrong type, one unit over maxLength or under minLength, matching no pattern), and bodies at its
 * edges (exactly maxLength, each optional field set or left out).
 */
function casesFor(schema: ObjectSchema, valid: Record<string, Json>): { breaking: Array<[string, Json]>; edges: Array<[string, Json]> } {
  const unknown = Object.keys(schema).filter((keyword) => !OBJECT_KEYWORDS.has(keyword));
  for (const [field, property] of Object.entries(schema.properties)) {
    unknown.push(...Object.keys(property).filter((keyword) => !PROPERTY_KEYWORDS.has(keyword)).map((keyword) => `${field}.${keyword}`));
    unknown.push(...(property.anyOf ?? []).flatMap((branch) => Object.keys(branch).filter((keyword) => keyword !== 'pattern').map((keyword) => `${field}.anyOf.${keyword}`)));
  }
  expect(unknown, 'constraints this test cannot break yet').to.deep.equal([]);
  const withField = (field: string, value: Json) => ({ ...valid, [field]: value });
  const breaking: Array<[string, Json]> = [['a body that is not an object', [valid]]];
  const edges: Array<[string, Json]> = [];
  for (const field of schema.required) breaking.push([`${field} missing`, Object.fromEntries(Object.entries(valid).filter(([name]) => name !== field))]);
  if (schema.additionalProperties === false) breaking.push(['an undocumented field', withField('undocumented', 'x')]);
  for (const [field, property] of Object.entries(schema.properties)) {
    const wrong = WRONG_TYPE[property.type ?? ''];
    if (wrong === undefined) throw new Error(`${field}: no wrong value for type ${String(property.type)}`);
    breaking.push([`${field} of a wrong type`, withField(field, wrong)]);
    if (property.maxLength !== undefined) {
      breaking.push([`${field} of maxLength + 1`, withField(field, 'a'.repeat(property.maxLength + 1))]);
      edges.push([`${field} of exactly maxLength`, withField(field, 'a'.repeat(property.maxLength))]);
    }
    if (property.minLength !== undefined && property.minLength > 0) breaking.push([`${field} of minLength - 1`, withField(field, 'a'.repeat(property.minLength - 1))]);
    if (property.pattern !== undefined || property.anyOf !== undefined) breaking.push([`${field} matching no documented pattern`, withField(field, '!?')]);
    if (!schema.required.includes(field) && field in valid) edges.push([`${field} left out`, Object.fromEntries(Object.entries(valid).filter(([name]) => name !== field))]);
    if (!schema.required.includes(field) && property.type === 'boolean') edges.push([`${field} true`, withField(field, true)], [`${field} false`, withField(field, false)]);
  }
  return { breaking, edges };
}

/** The response a named request example is paired with: the one whose examples carry the same name. */
function answerNamed(operation: Operation, name: string): { status: string; value: Json } | undefined {
  for (const [status, response] of Object.entries(operation.responses)) {
    const example = response.content?.['application/json']?.examples?.[name];
    if (example !== undefined) return { status, value: example.value };
  }
  return undefined;
}

interface ReadmeExample {
  method: string;
  path: string;
  request: Json | undefined;
  answer: Json;
}

/**
 * The README's examples: each code block holding one `curl` to the service followed at once by a JSON block is a
 * request and its answer; every JSON value of every JSON block is a value a reader sees.
 */
function readmeExamples(markdown: string): { pairs: ReadmeExample[]; values: Json[] } {
  const blocks = [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```\n/gm)].map((match) => ({ lang: match[1], text: match[2] ?? '', start: match.index, end: match.index + match[0].length }));
  const parse = (text: string): Json[] => {
    try {
      return [JSON.parse(text) as Json];
    } catch {
      return text.split('\n').flatMap((line) => {
        try {
          return [JSON.parse(line) as Json];
        } catch {
          return [];
        }
      });
    }
  };
  const pairs: ReadmeExample[] = [];
  const values: Json[] = [];
  blocks.forEach((block, i) => {
    if (block.lang === 'json') values.push(...parse(block.text));
    if (block.lang !== 'bash') return;
    const curls = block.text.replace(/\\\n\s*/g, ' ').split('\n').filter((line) => line.trim().startsWith('curl '));
    const next = blocks[i + 1];
    if (curls.length !== 1 || next?.lang !== 'json' || next.start !== block.end) return;
    const curl = curls[0] as string;
    const path = /(?:https?:\/\/)?localhost:\d+(\/\S*)/.exec(curl)?.[1];
    const data = /-d '([^']*)'/.exec(curl)?.[1];
    const answers = parse(next.text);
    if (path === undefined || answers.length !== 1) return;
    const request = data === undefined ? undefined : (JSON.parse(data) as Json);
    if (request !== undefined) values.push(request);
    pairs.push({ method: /-X (\w+)/.exec(curl)?.[1] ?? (data === undefined ? 'GET' : 'POST'), path, request, answer: answers[0] as Json });
  });
  return { pairs, values };
}

/** Every value the README shows for a field of that name, in any of its JSON. */
function valuesByField(values: Json[]): Map<string, Json[]> {
  const byField = new Map<string, Json[]>();
  const walk = (value: Json) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      for (const [field, inner] of Object.entries(value)) {
        byField.set(field, [...(byField.get(field) ?? []), inner]);
        walk(inner);
      }
    }
  };
  values.forEach(walk);
  return byField;
}

/** Where the document says `example` or `examples`, and what it says there. */
function examplesIn(node: Json, where: string[] = []): Array<{ where: string[]; value: Json }> {
  if (Array.isArray(node)) return node.flatMap((item, i) => examplesIn(item, [...where, String(i)]));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'example' || key === 'examples' ? [{ where: [...where, key], value }] : examplesIn(value, [...where, key]),
  );
}

describe('OpenAPI: GET /documentation/json and Swagger UI (end to end)', () => {
  let service: RunningService;
  let document: OpenApiDocument;
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

  it("documents exactly the routes in the app's router, each with its methods (the /documentation routes, Swagger UI's own, aside)", () => {
    const served = servedRoutes(service).filter((route) => !route.split(' ')[1]?.startsWith('/documentation'));
    const documented = operationsOf(document).map(({ path, method }) => `${method.toUpperCase()} ${path}`);
    expect(documented.sort()).to.deep.equal(served);
    expect(served).to.include.members(['POST /send', 'POST /segments', 'GET /sandbox/messages', 'GET /-/metrics']);
  });

  it('validates each request body with exactly its documented schema: a body breaking any documented constraint gets 400, its example and its edges pass', async () => {
    const bodied = operationsOf(document).filter(({ operation }) => operation.requestBody !== undefined);
    expect(bodied.map(({ path }) => path).sort()).to.deep.equal(['/segments', '/send']);
    for (const { path, operation } of bodied) {
      const media = operation.requestBody?.content['application/json'] as MediaType;
      const schema = deref(media.schema as Json, document) as unknown as ObjectSchema;
      const documented = documentedValidator(media.schema as Json, document);
      const accepted = Object.entries(media.examples ?? {}).filter(([name]) => (answerNamed(operation, name)?.status ?? '').startsWith('2'));
      expect(accepted, `${path} documents an example that is sent`).to.have.length.above(0);
      for (const [name, example] of accepted) {
        expect(documented(example.value), `${path} example ${name} satisfies its schema`).to.equal(true);
        const { breaking, edges } = casesFor(schema, example.value as Record<string, Json>);
        for (const [what, body] of breaking) {
          expect(documented(body), `the document refuses ${what} on ${path}`).to.equal(false);
          const res = await request(service.url).post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));
          expect(res.status, `${path} with ${what}: ${res.text}`).to.equal(400);
          expect(res.body.statusCode).to.equal('400');
        }
        for (const [what, body] of [['its example', example.value] as [string, Json], ...edges]) {
          const res = await request(service.url).post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));
          expect(res.status === 400, `${path} with ${what}: the app answers ${res.status}, the document ${documented(body) ? 'accepts' : 'refuses'} it`).to.equal(!documented(body));
        }
      }
    }
  });

  it('gives each error response its own status: its schema takes only that statusCode and status text, and so do its examples', () => {
    let checked = 0;
    // The served document, and the one with API keys set, which adds the 401s.
    const secured = JSON.parse(JSON.stringify(openApiDocument('0.0.0-test', true))) as OpenApiDocument;
    for (const { path, method, operation } of [...operationsOf(document), ...operationsOf(secured)]) {
      for (const [status, response] of Object.entries(operation.responses).filter(([code]) => Number(code) >= 400)) {
        const media = response.content?.['application/json'] as MediaType;
        const validate = documentedValidator(media.schema as Json, secured);
        const own = { statusCode: status, error: STATUS_CODES[Number(status)] as string, message: 'what went wrong' };
        expect(validate(own), `${method} ${path} ${status} takes its own status`).to.equal(true);
        for (const other of ['400', '500'].filter((code) => code !== status)) {
          expect(validate({ ...own, statusCode: other, error: STATUS_CODES[Number(other)] }), `${method} ${path} ${status} refuses ${other}`).to.equal(false);
        }
        expect(validate({ ...own, error: 'Bad Request' }), `${method} ${path} ${status} refuses another status text`).to.equal(status === '400');
        for (const [name, example] of Object.entries(media.examples ?? {})) {
          expect(validate(example.value), `${method} ${path} ${status} example ${name}`).to.equal(true);
        }
        checked++;
      }
    }
    expect(checked).to.be.above(20);
  });

  it('answers each documented example request with exactly its documented answer (sid and dateEvent aside: they change per call)', async () => {
    let pairs = 0;
    for (const { path, method, operation } of operationsOf(document)) {
      const requests = operation.requestBody?.content['application/json']?.examples ?? {};
      for (const [name, example] of Object.entries(requests)) {
        const answer = answerNamed(operation, name);
        expect(answer, `${method} ${path} example ${name} has an answer of the same name`).not.to.equal(undefined);
        const res = await request(service.url)[method as 'post'](path).set('Content-Type', 'application/json').send(JSON.stringify(example.value));
        expect(res.status, `${method} ${path} example ${name}`).to.equal(Number(answer?.status));
        const perCall = (body: Record<string, Json>) => Object.fromEntries(Object.entries(body).map(([field, value]) => [field, field === 'sid' || field === 'dateEvent' ? typeof value : value]));
        expect(perCall(res.body), `${method} ${path} example ${name}`).to.deep.equal(perCall(answer?.value as Record<string, Json>));
        pairs++;
      }
      for (const response of Object.values(operation.responses)) {
        for (const name of Object.keys(response.content?.['application/json']?.examples ?? {})) expect(requests, `${method} ${path}: answer example ${name} has its request`).to.have.property(name);
      }
    }
    expect(pairs).to.be.at.least(3);
  });

  it("takes every example from the README: each request and answer pair from a curl and the JSON block after it, each field's example from a JSON block", () => {
    const readme = readmeExamples(readFileSync('README.md', 'utf8'));
    const fields = valuesByField(readme.values);
    const found = examplesIn(document as unknown as Json);
    expect(found.length).to.be.above(5);
    for (const { where, value } of found) {
      const place = where.join('/');
      expect(where.at(-1), `${place}: named examples only, so each pairs a request with its answer`).to.equal('examples');
      if (Array.isArray(value)) {
        // A schema's `examples`: each value is one the README shows for that field.
        const field = where.at(-2) as string;
        for (const item of value) expect(fields.get(field) ?? [], `${place}: ${JSON.stringify(item)} is in the README`).to.deep.include(item);
        continue;
      }
      // A media type's named examples: each, with its pair, is a curl of the README and the JSON block after it.
      const [, path, method, part] = where;
      const operation = document.paths[path as string]?.[method as string] as Operation;
      expect(where.at(-2), place).to.equal('application/json');
      for (const name of Object.keys(value as object)) {
        const requestExample = operation.requestBody?.content['application/json']?.examples?.[name]?.value;
        const answer = answerNamed(operation, name)?.value;
        expect(part === 'requestBody' || part === 'responses', place).to.equal(true);
        expect(readme.pairs, `${place}/${name}: the README has this request and answer`).to.deep.include({ method: (method as string).toUpperCase(), path, request: requestExample, answer });
      }
    }
  });

  it('serves Swagger UI on the document', async () => {
    await request(service.url).get('/documentation').expect(301).expect('Location', '/documentation/');
    const page = await request(service.url).get('/documentation/').expect(200).expect('Content-Type', /html/);
    expect(page.text).to.include('swagger-ui');
    const init = await request(service.url).get('/documentation/swagger-ui-init.js').expect(200);
    expect(init.text).to.include('/documentation/json');
  });
});
