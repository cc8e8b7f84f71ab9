import { MAX_BODY_LENGTH } from '../../domain/message-body.js';
import { E164_PATTERN } from '../../domain/phone-number.js';
import { ALPHANUMERIC_SENDER_PATTERN } from '../../domain/sender-id.js';

const SMART_ENCODING_PROPERTY = {
  type: 'boolean',
  description: 'Replace look-alike characters (curly quotes, dashes, unusual spaces…) with GSM-7 ones when that takes the message out of UCS-2. Default: SMART_ENCODING',
} as const;

const BODY_PROPERTY = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_BODY_LENGTH,
  description: 'Text of the message, 1 to 1600 UTF-16 code units',
  examples: ['Your code is 123456'],
} as const;

/** `POST /send` body. The patterns are the domain's own, so the schema and the domain cannot drift apart. */
export const sendRequestSchema = {
  $id: 'SendRequest',
  type: 'object',
  additionalProperties: false,
  required: ['sender', 'receiver', 'body'],
  properties: {
    sender: {
      type: 'string',
      anyOf: [{ pattern: E164_PATTERN.source }, { pattern: ALPHANUMERIC_SENDER_PATTERN.source }],
      description: 'E.164 number or alphanumeric sender ID (1 to 11 of A-Z a-z 0-9 and space, at least one letter)',
      examples: ['+15017122661', 'ACME'],
    },
    receiver: {
      type: 'string',
      pattern: E164_PATTERN.source,
      description: 'E.164 number of the recipient',
      examples: ['+15558675310'],
    },
    body: BODY_PROPERTY,
    smartEncoding: SMART_ENCODING_PROPERTY,
  },
} as const;

export interface SendRequest {
  sender: string;
  receiver: string;
  body: string;
  smartEncoding?: boolean;
}

/** `POST /segments` body: the same body rule as `/send`. */
export const segmentsRequestSchema = {
  $id: 'SegmentsRequest',
  type: 'object',
  additionalProperties: false,
  required: ['body'],
  properties: {
    body: BODY_PROPERTY,
    smartEncoding: SMART_ENCODING_PROPERTY,
  },
} as const;

export interface SegmentsRequest {
  body: string;
  smartEncoding?: boolean;
}
