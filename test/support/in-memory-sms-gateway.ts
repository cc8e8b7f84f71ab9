import type { SendOptions, SmsGateway, SmsReceipt } from '../../src/application/ports/sms-gateway.js';
import type { Sms } from '../../src/domain/sms.js';

/** A gateway that records what it is asked to send and answers what the test tells it to. */
export class InMemorySmsGateway implements SmsGateway {
  /** Messages it accepted. */
  readonly sent: Sms[] = [];
  /** Every call, accepted or not, with the options it was given. */
  readonly attempts: Array<{ sms: Sms; options: SendOptions | undefined }> = [];
  private failure: Error | undefined;
  private readonly scripted: Error[] = [];
  private receipt: Partial<SmsReceipt> = {};

  constructor(readonly provider = 'in-memory') {}

  /** Every call fails with `error` (none again with `undefined`). */
  failWith(error: Error | undefined): this {
    this.failure = error;
    return this;
  }

  /** The next calls fail with these errors, one each, then calls succeed again. */
  failNext(...errors: Error[]): this {
    this.scripted.push(...errors);
    return this;
  }

  answer(receipt: Partial<SmsReceipt>): this {
    this.receipt = receipt;
    return this;
  }

  async send(sms: Sms, options?: SendOptions): Promise<SmsReceipt> {
    this.attempts.push({ sms, options });
    const scripted = this.scripted.shift();
    if (scripted !== undefined) throw scripted;
    if (this.failure !== undefined) throw this.failure;
    this.sent.push(sms);
    return { sid: `SM${String(this.sent.length).padStart(32, '0')}`, status: 'queued', ...this.receipt };
  }
}
