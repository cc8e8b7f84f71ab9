import type { Sms } from '../../domain/sms.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import {
  ProviderRateLimitedError,
  ProviderUnavailableError,
  type SendOptions,
  type SmsGateway,
  type SmsReceipt,
} from '../ports/sms-gateway.js';

export interface RetrySettings {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** No retry starts that would end past this many milliseconds after the first attempt began. */
  readonly budgetMs: number;
  /** The first back-off ceiling; it doubles each retry (full jitter picks a delay below it). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Retries a provider call only when the provider certainly did not take the message: it answered 429 (Twilio
 * 20429 is "never processed and always safe to retry"), or it could not be reached before the request was
 * written. Never a timeout, a reset after writing, a 5xx or a 4xx: those could send the message twice or will
 * fail again. Back-off is exponential with full jitter, or the provider's Retry-After when it gave one.
 */
export class RetryingSmsGateway implements SmsGateway {
  constructor(
    private readonly inner: SmsGateway,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: RetrySettings,
    private readonly random: () => number = Math.random,
  ) {}

  get provider(): string {
    return this.inner.provider;
  }

  async send(sms: Sms, options: SendOptions = {}): Promise<SmsReceipt> {
    const started = this.clock.now().getTime();
    const budgetMs = Math.min(this.settings.budgetMs, options.timeoutMs ?? Infinity);
    for (let retry = 0; ; retry++) {
      const left = budgetMs - (this.clock.now().getTime() - started);
      try {
        return await this.inner.send(sms, { timeoutMs: left });
      } catch (error) {
        if (!isSafeToRetry(error) || retry >= this.settings.maxRetries) throw error;
        const delayMs = this.delayBefore(retry, error);
        const elapsed = this.clock.now().getTime() - started;
        if (elapsed + delayMs >= budgetMs) throw error;
        this.logger.info('retrying provider call', {
          provider: this.inner.provider,
          retry: retry + 1,
          delayMs: Math.round(delayMs),
          error: error.name,
          providerCode: error.providerCode,
        });
        await this.clock.sleep(delayMs);
      }
    }
  }

  private delayBefore(retry: number, error: ProviderRateLimitedError | ProviderUnavailableError): number {
    if (error instanceof ProviderRateLimitedError && error.retryAfterSeconds !== undefined) return error.retryAfterSeconds * 1000;
    const ceiling = Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** retry);
    return this.random() * ceiling;
  }
}

function isSafeToRetry(error: unknown): error is ProviderRateLimitedError | ProviderUnavailableError {
  return (error instanceof ProviderRateLimitedError || error instanceof ProviderUnavailableError) && !error.mayHaveBeenSent;
}
