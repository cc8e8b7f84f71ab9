import type { SenderId } from '../../domain/sender-id.js';
import type { Sms } from '../../domain/sms.js';
import { ProviderBalanceExhaustedError } from '../guards/guard-errors.js';
import type { Logger } from '../ports/logger.js';
import type { NumberingPlan } from '../ports/numbering-plan.js';
import { MessageRejectedError, SmsGatewayError, type SendOptions, type SmsGateway, type SmsReceipt } from '../ports/sms-gateway.js';

/** Which providers, in order, serve receivers of one calling code (`*`: every other). */
export interface ProviderRoute {
  readonly callingCode: string;
  readonly providers: readonly string[];
}

export interface FailoverSettings {
  /** The provider the requests' senders belong to: the first of SERVICE_PROVIDER. */
  readonly primary: string;
  /** Providers to try, in order, by destination; the last route should be `*`. */
  readonly routes: readonly ProviderRoute[];
  /** The sender to use with a provider other than the primary, when one is configured for it. */
  readonly senders: ReadonlyMap<string, SenderId>;
}

/**
 * Sends through the first provider of the receiver's route and, when that provider is unavailable, through the
 * next. Only a failure that certainly left the message unsent moves on (unreachable, a 5xx, a 429 after retries,
 * an open circuit, an empty balance, refused credentials): a rejection of the message itself, a timeout or an
 * unreadable answer never does, since the next provider would reject it too or could send it twice.
 */
export class FailoverSmsGateway implements SmsGateway {
  constructor(
    private readonly gateways: ReadonlyMap<string, SmsGateway>,
    private readonly settings: FailoverSettings,
    private readonly numberingPlan: NumberingPlan,
    private readonly logger: Logger,
  ) {}

  get provider(): string {
    return this.settings.primary;
  }

  /** The providers a message to this receiver tries, in order. */
  providersFor(receiver: string): readonly string[] {
    const code = this.numberingPlan.callingCodeOf(receiver);
    const route =
      this.settings.routes.find((candidate) => candidate.callingCode === code) ??
      this.settings.routes.find((candidate) => candidate.callingCode === '*');
    return route?.providers ?? [this.settings.primary];
  }

  async send(sms: Sms, options?: SendOptions): Promise<SmsReceipt> {
    const providers = this.providersFor(sms.receiver.value);
    for (const [index, name] of providers.entries()) {
      const gateway = this.gateways.get(name);
      if (gateway === undefined) throw new Error(`provider ${name} is routed to but not configured`);
      const sender = name === this.settings.primary ? undefined : this.settings.senders.get(name);
      try {
        const receipt = await gateway.send(sender === undefined ? sms : sms.withSender(sender), options);
        return { ...receipt, provider: receipt.provider ?? name };
      } catch (error) {
        const next = providers[index + 1];
        if (next === undefined || !canFailOver(error)) throw error;
        this.logger.warn('provider unavailable: failing over', {
          from: name,
          to: next,
          error: error instanceof Error ? error.name : String(error),
          reason: error instanceof Error ? error.message : undefined,
        });
      }
    }
    throw new Error('no provider to send with');
  }
}

function canFailOver(error: unknown): boolean {
  if (error instanceof ProviderBalanceExhaustedError) return true;
  return error instanceof SmsGatewayError && !(error instanceof MessageRejectedError) && !error.mayHaveBeenSent;
}
