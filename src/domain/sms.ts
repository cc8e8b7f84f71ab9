import { MessageBody } from './message-body.js';
import { PhoneNumber } from './phone-number.js';
import { calculateSegments, type MessageSegments } from './segments.js';
import { SenderId } from './sender-id.js';

/** One message to send: who from, who to, what, and what it will cost in parts (computed once). */
export class Sms {
  readonly segments: MessageSegments;

  private constructor(
    readonly sender: SenderId,
    readonly receiver: PhoneNumber,
    readonly body: MessageBody,
  ) {
    this.segments = calculateSegments(body.value);
  }

  /** Validates every field; throws the DomainError of the first one that is wrong. */
  static create(fields: { sender: unknown; receiver: unknown; body: unknown }): Sms {
    return new Sms(SenderId.parse(fields.sender), PhoneNumber.parse(fields.receiver), MessageBody.parse(fields.body));
  }
}
