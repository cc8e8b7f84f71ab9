import { MessageBody } from '../domain/message-body.js';
import { assessCost, type MessageCost } from '../domain/message-cost.js';
import type { SendPolicy } from './send-sms.js';

export interface PreviewSegmentsCommand {
  readonly body: unknown;
  readonly smartEncoding?: boolean;
}

/** What a message would cost, counted exactly as a send would count it; nothing is sent. */
export class PreviewSegments {
  constructor(private readonly policy: Pick<SendPolicy, 'smartEncoding'>) {}

  execute(command: PreviewSegmentsCommand): MessageCost {
    return assessCost(MessageBody.parse(command.body), command.smartEncoding ?? this.policy.smartEncoding);
  }
}
