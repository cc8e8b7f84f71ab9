import { segmentsRequestSchema, sendRequestSchema } from './request-schemas.js';

/** The documented error body, every status alike. */
export const errorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'string', description: 'The HTTP status, as a string', examples: ['400'] },
    error: { type: 'string', description: 'The status text', examples: ['Bad Request'] },
    message: { type: 'string', examples: ['receiver must be an E.164 phone number, e.g. +15558675310'] },
  },
} as const;

export const sendResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['dateEvent', 'numSegments', 'sid', 'status', 'provider'],
  properties: {
    dateEvent: { type: 'string', description: 'When the provider accepted the message, ISO 8601 UTC with milliseconds', examples: ['2026-12-03T19:56:30.615Z'] },
    numSegments: { type: 'string', pattern: '^[1-9][0-9]*$', description: 'Parts billed', examples: ['1'] },
    sid: { type: 'string', description: "The provider's message id", examples: ['SB7786dc9381f358481af92438b84032bd'] },
    status: { type: 'string', description: "The provider's status: queued, accepted, sent…", examples: ['sent'] },
    provider: { type: 'string', enum: ['twilio', 'kaleyra', 'sandbox'], examples: ['sandbox'] },
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
  examples: [
    {
      encoding: 'UCS-2',
      numSegments: 1,
      characters: 26,
      unitsPerSegment: 70,
      nonGsmCharacters: ['’'],
      segments: ['Don’t forget: 10:00 today'],
      smartEncoding: { applied: false, numSegmentsIfApplied: 1 },
    },
  ],
} as const;

const json = (schema: unknown) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
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
  const unauthorized = secured ? { 401: error('No valid API key') } : {};
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
                example: { sender: 'ACME', receiver: '+15558675310', body: 'Your code is 123456' },
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
                  example: { dateEvent: '2026-12-03T19:56:30.615Z', numSegments: '1', sid: 'SB7786dc9381f358481af92438b84032bd', status: 'sent', provider: 'sandbox' },
                },
              },
            },
            400: error('Invalid request, or the provider rejected the message'),
            ...unauthorized,
            403: error('The destination is not allowed'),
            409: error('A request with this Idempotency-Key is in flight'),
            413: error('Body over 16 KiB'),
            415: error('Not UTF-8 application/json'),
            422: error('Idempotency-Key reused with another body'),
            429: error('Rate limit, receiver back-off, or the provider is rate limiting'),
            502: error('The provider failed or refused our credentials'),
            503: error('The provider is unreachable, its circuit is open, its balance is empty, or a store is down'),
            504: error('The provider did not answer in time; the message may have been sent'),
          },
        },
      },
      '/segments': {
        post: {
          summary: 'What a message will cost, before sending it',
          security,
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/SegmentsRequest' }, example: { body: 'Don’t forget: 10:00 today' } } },
          },
          responses: {
            200: { description: 'Encoding, segments and the Smart Encoding preview', content: json({ $ref: '#/components/schemas/SegmentsResponse' }) },
            400: error('Invalid request'),
            ...unauthorized,
            413: error('Body over 16 KiB'),
            415: error('Not UTF-8 application/json'),
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
      '/-/healthz': { get: { summary: 'Liveness', responses: { 200: { description: 'Alive', content: json(HEALTH) } } } },
      '/-/ready': { get: { summary: 'Readiness', responses: { 200: { description: 'Ready', content: json(HEALTH) }, 503: error('Shutting down') } } },
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
