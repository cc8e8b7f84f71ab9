import type { Sms } from '../../domain/sms.js';
import type { SendOptions, SmsGateway, SmsReceipt } from '../ports/sms-gateway.js';
import type { BalanceGuard } from './balance-guard.js';

/** A provider's gateway that refuses to send while that provider's balance is exhausted. */
export class BalanceCheckedSmsGateway implements SmsGateway {
  constructor(
    private readonly inner: SmsGateway,
    private readonly balance: BalanceGuard,
  ) {}

  get provider(): string {
    return this.inner.provider;
  }

  async send(sms: Sms, options?: SendOptions): Promise<SmsReceipt> {
    await this.balance.check();
    return this.inner.send(sms, options);
  }
}
