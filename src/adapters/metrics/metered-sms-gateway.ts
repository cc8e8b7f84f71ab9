import type { SendMetrics } from '../../application/ports/metrics.js';
import { SmsGatewayError, type SendOptions, type SmsGateway, type SmsReceipt } from '../../application/ports/sms-gateway.js';
import type { Sms } from '../../domain/sms.js';

/** Times every call to one provider's API and counts its errors by code (each retry is a call of its own). */
export class MeteredSmsGateway implements SmsGateway {
  constructor(
    private readonly inner: SmsGateway,
    private readonly metrics: SendMetrics,
  ) {}

  get provider(): string {
    return this.inner.provider;
  }

  async send(sms: Sms, options?: SendOptions): Promise<SmsReceipt> {
    const started = performance.now();
    try {
      const receipt = await this.inner.send(sms, options);
      this.metrics.providerCall(this.provider, (performance.now() - started) / 1000);
      return receipt;
    } catch (error) {
      this.metrics.providerCall(this.provider, (performance.now() - started) / 1000, codeOf(error));
      throw error;
    }
  }
}

// A bounded label: the provider's own code or errno when it is short and plain, else the error's class.
function codeOf(error: unknown): string {
  if (error instanceof SmsGatewayError) {
    const code = String(error.providerCode ?? error.providerStatus ?? '');
    if (/^[A-Za-z0-9_]{1,24}$/.test(code)) return code;
    return error.name;
  }
  return error instanceof Error ? error.name : 'unknown';
}
