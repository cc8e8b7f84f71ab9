import { MessageBody } from './message-body.js';
import { assessCost, type MessageCost } from './message-cost.js';
import { PhoneNumber } from './phone-number.js';
import type { MessageSegments } from './segments.js';
import { SenderId } from './sender-id.js';

export interface SmsOptions {
  /** Replace look-alike characters with GSM-7 ones when that takes the message out of UCS-2. */
  readonly smartEncoding?: boolean;
}

/** One message to send: who from, who to, the text that goes out, and what it costs (computed once). */
export class Sms {
  private constructor(
    readonly sender: SenderId,
    readonly receiver: PhoneNumber,
    /** The text as it goes to the provider, after Smart Encoding when that applied. */
    readonly body: MessageBody,
    readonly cost: MessageCost,
  ) {}

  get segments(): MessageSegments {
    return this.cost.segments;
  }

  /** The same message from another sender, as a provider that cannot use the original one needs it. */
  withSender(sender: SenderId): Sms {
    return new Sms(sender, this.receiver, this.body, this.cost);
  }

  /** Validates every field; throws the DomainError of the first one that is wrong. */
  static create(fields: { sender: unknown; receiver: unknown; body: unknown }, options: SmsOptions = {}): Sms {
    const sender = SenderId.parse(fields.sender);
    const receiver = PhoneNumber.parse(fields.receiver);
    const body = MessageBody.parse(fields.body);
    const cost = assessCost(body, options.smartEncoding === true);
    return new Sms(sender, receiver, cost.smartEncoding.applied ? MessageBody.parse(cost.text) : body, cost);
  }
}
