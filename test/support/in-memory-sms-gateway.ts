import type { SmsGateway, SmsReceipt } from '../../src/application/ports/sms-gateway.js';
import type { Sms } from '../../src/domain/sms.js';

/** A gateway that records what it is asked to send and answers what the test tells it to. */
export class InMemorySmsGateway implements SmsGateway {
  readonly sent: Sms[] = [];
  private failure: Error | undefined;
  private receipt: Partial<SmsReceipt> = {};

  constructor(readonly provider = 'in-memory') {}

  failWith(error: Error): this {
    this.failure = error;
    return this;
  }

  answer(receipt: Partial<SmsReceipt>): this {
    this.receipt = receipt;
    return this;
  }

  async send(sms: Sms): Promise<SmsReceipt> {
    if (this.failure !== undefined) throw this.failure;
    this.sent.push(sms);
    return { sid: `SM${String(this.sent.length).padStart(32, '0')}`, status: 'queued', ...this.receipt };
  }
}
