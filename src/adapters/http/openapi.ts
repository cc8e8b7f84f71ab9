import { STATUS_CODES } from 'node:http';
import { segmentsRequestSchema, sendRequestSchema } from './request-schemas.js';

/** The documented error body; each response narrows `statusCode` and `error` to its own status. */
export const errorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'string', pattern: '^[1-5][0-9]{2}$', description: 'The HTTP status, as a string' },
    error: { type: 'string', description: 'The status text' },
    message: { type: 'string', description: 'What went wrong, in words a caller can act on' },
  },
} as const;

export const sendResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['dateEvent', 'numSegments', 'sid', 'status', 'provider'],
  properties: {
    dateEvent: { type: 'string', description: 'When the provider accepted the message, ISO 8601 UTC with milliseconds' },
    numSegments: { type: 'string', pattern: '^[1-9][0-9]*$', description: 'Parts billed' },
    sid: { type: 'string', description: "The provider's message id" },
    status: { type: 'string', description: "The provider's status: queued, accepted, sent…" },
    provider: { type: 'string', enum: ['twilio', 'kaleyra', 'sandbox'] },
  },
} as const;

export const segmentsResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['encoding', 'numSegments', 'characters', 'unitsPerSegment', 'nonGsmCharacters', 'segments', 'smartEncoding'],
  properties: {
    encoding: { type: 'string', enum: ['GSM-7', 'UCS-2'] },
    numSegments: { type: 'integer', minimum: 1 },
    characters: { type: 'integer', description: 'Units counted: septets in GSM-7, UTF-16 code units in UCS-2' },
    unitsPerSegment: { type: 'integer' },
    nonGsmCharacters: { type: 'array', items: { type: 'string' }, description: 'Each distinct character that forced UCS-2' },
    segments: { type: 'array', items: { type: 'string' }, description: 'The parts exactly as they will be split' },
    smartEncoding: {
      type: 'object',
      required: ['applied', 'numSegmentsIfApplied'],
      properties: { applied: { type: 'boolean' }, numSegmentsIfApplied: { type: 'integer' } },
    },
  },
} as const;

/**
 * The README's examples, each a request and the sandbox's answer to it, named alike in the request body and in
 * the response. A test sends each request to the app and finds each pair in the README's code blocks.
 */
const EXAMPLES = {
  sent: {
    summary: 'A one-part message, sent (sandbox)',
    request: { sender: 'ACME', receiver: '+15558675310', body: 'Your code is 123456' },
    answer: { dateEvent: '2026-12-03T19:56:30.615Z', numSegments: '1', sid: 'SB7786dc9381f358481af92438b84032bd', status: 'sent', provider: 'sandbox' },
  },
  invalidReceiver: {
    summary: 'A receiver that is not E.164',
    request: { sender: 'ACME', receiver: '+1 555 867 5310', body: 'Your code is 123456' },
    answer: { statusCode: '400', error: 'Bad Request', message: 'receiver must be an E.164 phone number, e.g. +15558675310' },
  },
  ucs2: {
    summary: 'Three characters outside GSM-7 make it UCS-2, in two parts',
    request: { body: 'It’s ready: your order ships today – track it at example.com/t/42 … Thanks for shopping with us!' },
    answer: {
      encoding: 'UCS-2',
      numSegments: 2,
      characters: 96,
      unitsPerSegment: 67,
      nonGsmCharacters: ['’', '–', '…'],
      segments: ['It’s ready: your order ships today – track it at example.com/t/42 …', ' Thanks for shopping with us!'],
      smartEncoding: { applied: false, numSegmentsIfApplied: 1 },
    },
  },
} as const;

type ExampleName = keyof typeof EXAMPLES;
const requestExamples = (...names: ExampleName[]) => Object.fromEntries(names.map((name) => [name, { summary: EXAMPLES[name].summary, value: EXAMPLES[name].request }]));
const answerExamples = (...names: ExampleName[]) => Object.fromEntries(names.map((name) => [name, { summary: EXAMPLES[name].summary, value: EXAMPLES[name].answer }]));

const json = (schema: unknown) => ({ 'application/json': { schema } });
/** An error response whose schema says its own status, not the first one's. */
const error = (status: number, description: string, examples?: ReturnType<typeof answerExamples>) => ({
  description,
  content: {
    'application/json': {
      schema: { allOf: [{ properties: { statusCode: { const: String(status) }, error: { const: STATUS_CODES[status] } } }, { $ref: '#/components/schemas/Error' }] },
      ...(examples === undefined ? {} : { examples }),
    },
  },
});
const HEALTH = {
  type: 'object',
  required: ['status', 'name', 'version'],
  properties: { status: { const: 'OK' }, name: { type: 'string' }, version: { type: 'string' } },
} as const;

/**
 * The OpenAPI 3.1 document of every public route. Request bodies are the very schemas ajv validates with, so
 * the documentation cannot say something the service does not do.
 */
export function openApiDocument(version: string, secured: boolean) {
  const security = secured ? [{ bearer: [] }, { apiKey: [] }] : [];
  const unauthorized = secured ? { 401: error(401, 'No valid API key') } : {};
  return {
    openapi: '3.1.0',
    info: {
      title: 'SMS gateway service',
      version,
      description: 'Sends one SMS through Twilio or Kaleyra behind one API, counts what it costs, and refuses abuse.',
    },
    components: {
      schemas: { SendRequest: sendRequestSchema, SendResponse: sendResponseSchema, SegmentsRequest: segmentsRequestSchema, SegmentsResponse: segmentsResponseSchema, Error: errorSchema },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'One of API_KEYS' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'One of API_KEYS' },
      },
    },
    paths: {
      '/send': {
        post: {
          summary: 'Send one SMS',
          security,
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Unique per message (1 to 255 printable ASCII characters): a retry with the same key and body replays the first answer',
              schema: { type: 'string', minLength: 1, maxLength: 255 },
            },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/SendRequest' },
                examples: requestExamples('sent', 'invalidReceiver'),
              },
            },
          },
          responses: {
            200: {
              description: 'The provider accepted the message',
              headers: { 'Idempotent-Replayed': { description: 'true when this is the answer to an earlier request with the same key', schema: { type: 'string' } } },
              content: {
                'application/json': {
                  schema: { $ref: '#/components/schemas/SendResponse' },
                  examples: answerExamples('sent'),
                },
              },
            },
            400: error(400, 'Invalid request, or the provider rejected the message', answerExamples('invalidReceiver')),
            ...unauthorized,
            403: error(403, 'The destination is not allowed'),
            409: error(409, 'A request with this Idempotency-Key is in flight'),
            413: error(413, 'Body over 16 KiB'),
            415: error(415, 'Not UTF-8 application/json'),
            422: error(422, 'Idempotency-Key reused with another body'),
            429: error(429, 'Rate limit, receiver back-off, or the provider is rate limiting'),
            502: error(502, 'The provider failed or refused our credentials'),
            503: error(503, 'The provider is unreachable, its circuit is open, its balance is empty, or a store is down'),
            504: error(504, 'The provider did not answer in time; the message may have been sent'),
          },
        },
      },
      '/segments': {
        post: {
          summary: 'What a message will cost, before sending it',
          security,
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/SegmentsRequest' }, examples: requestExamples('ucs2') } },
          },
          responses: {
            200: {
              description: 'Encoding, segments and the Smart Encoding preview',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/SegmentsResponse' }, examples: answerExamples('ucs2') } },
            },
            400: error(400, 'Invalid request'),
            ...unauthorized,
            413: error(413, 'Body over 16 KiB'),
            415: error(415, 'Not UTF-8 application/json'),
          },
        },
      },
      '/sandbox/messages': {
        get: {
          summary: 'What the sandbox provider accepted instead of sending, newest first (sandbox only)',
          security,
          responses: {
            200: { description: 'The outbox, phone numbers masked', content: json({ type: 'object', required: ['messages'], properties: { messages: { type: 'array', items: { type: 'object' } } } }) },
            ...unauthorized,
          },
        },
      },
      '/sandbox': { get: { summary: 'The sandbox outbox page (sandbox only)', responses: { 200: { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } } } } },
      '/sandbox/app.js': { get: { summary: "The sandbox page's script (sandbox only)", responses: { 200: { description: 'JavaScript', content: { 'text/javascript': { schema: { type: 'string' } } } } } } },
      '/sandbox/app.css': { get: { summary: "The sandbox page's stylesheet (sandbox only)", responses: { 200: { description: 'CSS', content: { 'text/css': { schema: { type: 'string' } } } } } } },
      '/-/healthz': { get: { summary: 'Liveness', responses: { 200: { description: 'Alive', content: json(HEALTH) } } } },
      '/-/ready': { get: { summary: 'Readiness', responses: { 200: { description: 'Ready', content: json(HEALTH) }, 503: error(503, 'Shutting down') } } },
      '/-/check-up': {
        get: {
          summary: "Health with each provider's circuit state",
          responses: {
            200: {
              description: 'OK',
              content: json({ ...HEALTH, properties: { ...HEALTH.properties, providers: { type: 'object', additionalProperties: { type: 'object', properties: { circuit: { enum: ['closed', 'open', 'half-open', 'isolated'] } } } } } }),
            },
          },
        },
      },
      '/-/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
    },
  };
}
