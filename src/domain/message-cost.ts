import { MAX_BODY_LENGTH, type MessageBody } from './message-body.js';
import { calculateSegments, type MessageSegments } from './segments.js';
import { smartEncode } from './smart-encoding.js';

/** What a message costs as it will be sent, and what Smart Encoding does or would do to that. */
export interface MessageCost {
  /** The text that goes to the provider. */
  readonly text: string;
  readonly segments: MessageSegments;
  readonly smartEncoding: {
    /** True when the text was changed by Smart Encoding. */
    readonly applied: boolean;
    /** Parts the message needs with Smart Encoding (equal to the count without it when it cannot help). */
    readonly numSegmentsIfApplied: number;
  };
}

export function assessCost(body: MessageBody, smartEncoding: boolean): MessageCost {
  const original = calculateSegments(body.value);
  const encoded = smartEncode(body.value, MAX_BODY_LENGTH);
  if (!encoded.applied) {
    return { text: body.value, segments: original, smartEncoding: { applied: false, numSegmentsIfApplied: original.numSegments } };
  }
  const replaced = calculateSegments(encoded.text);
  return smartEncoding
    ? { text: encoded.text, segments: replaced, smartEncoding: { applied: true, numSegmentsIfApplied: replaced.numSegments } }
    : { text: body.value, segments: original, smartEncoding: { applied: false, numSegmentsIfApplied: replaced.numSegments } };
}
