import twilio from 'twilio';
import type { Sms } from '../../domain/sms.js';
import {
  ProviderFailureError,
  type SendOptions,
  type SmsGateway,
  type SmsGatewayError,
  type SmsReceipt,
} from '../../application/ports/sms-gateway.js';
import type { Balance, ProviderBalance } from '../../application/ports/provider-balance.js';
import { translateHttpAnswer } from '../provider-http/status-errors.js';
import { translateTransportError } from '../provider-http/transport-errors.js';
import { TwilioHttpError } from './twilio-api-types.js';
import { TwilioHttpClient } from './twilio-http-client.js';

export interface TwilioGatewayConfig {
  readonly accountSid: string;
  readonly authToken: string;
  /** Origin of the REST API, `https://api.twilio.com` in production. */
  readonly baseUrl: string;
  readonly timeoutMs: number;
}

const PROVIDER = 'twilio';
const LABELS = { provider: PROVIDER, name: 'Twilio', credentialSettings: 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN' };
// Statuses a just-created message can have that mean it will not be delivered.
const FAILED_STATUSES = new Set(['failed', 'undelivered', 'canceled']);

/** Sends through Twilio's Programmable Messaging API with the official SDK. */
export class TwilioSmsGateway implements SmsGateway, ProviderBalance {
  readonly provider = PROVIDER;
  private readonly client: twilio.Twilio;
  private readonly http: TwilioHttpClient;
  private readonly accountSid: string;

  constructor(config: TwilioGatewayConfig) {
    this.accountSid = config.accountSid;
    this.http = new TwilioHttpClient(config.baseUrl, config.timeoutMs);
    this.client = twilio(config.accountSid, config.authToken, { httpClient: this.http, autoRetry: false });
  }

  async send(sms: Sms, options: SendOptions = {}): Promise<SmsReceipt> {
    let message: { sid?: unknown; status?: unknown; numSegments?: unknown; errorCode?: unknown; errorMessage?: unknown };
    try {
      message = await this.http.boundingNextRequest(options.timeoutMs, () =>
        this.client.messages.create({ from: sms.sender.value, to: sms.receiver.value, body: sms.body.value }),
      );
    } catch (error) {
      throw translateTwilioError(error);
    }
    return toReceipt(message);
  }

  /** `GET /2010-04-01/Accounts/{sid}/Balance.json`. */
  async fetchBalance(): Promise<Balance> {
    let answer: { balance?: unknown; currency?: unknown };
    try {
      answer = await this.client.api.v2010.accounts(this.accountSid).balance.fetch();
    } catch (error) {
      throw translateTwilioError(error);
    }
    const amount = Number(answer.balance);
    if (typeof answer.balance !== 'string' || !Number.isFinite(amount)) {
      throw new ProviderFailureError(PROVIDER, 'Twilio answered a balance that is not a number');
    }
    return { amount, currency: typeof answer.currency === 'string' ? answer.currency : undefined };
  }
}

function toReceipt(message: { sid?: unknown; status?: unknown; numSegments?: unknown; errorCode?: unknown; errorMessage?: unknown }): SmsReceipt {
  const { sid, status } = message;
  if (typeof sid !== 'string' || sid === '' || typeof status !== 'string' || status === '') {
    throw new ProviderFailureError(PROVIDER, 'Twilio answered 2xx without a message sid and status', { mayHaveBeenSent: true });
  }
  if (message.errorCode !== null && message.errorCode !== undefined || FAILED_STATUSES.has(status)) {
    const detail = typeof message.errorMessage === 'string' ? `: ${message.errorMessage}` : '';
    // The message exists at Twilio (it has a sid): sending it elsewhere could deliver it twice.
    throw new ProviderFailureError(PROVIDER, `Twilio reported message ${sid} as ${status}${detail}`, {
      providerCode: asCode(message.errorCode),
      mayHaveBeenSent: true,
    });
  }
  const numSegments = Number(message.numSegments);
  return Number.isInteger(numSegments) && numSegments > 0 ? { provider: PROVIDER, sid, status, numSegments } : { provider: PROVIDER, sid, status };
}

export function translateTwilioError(error: unknown): SmsGatewayError {
  if (error instanceof TwilioHttpError) return translateHttpError(error);
  const transport = translateTransportError(PROVIDER, 'Twilio', error);
  if (transport !== undefined) return transport;
  // The SDK raises SyntaxError on a 2xx body that is not JSON, TypeError on one that is not an object.
  return new ProviderFailureError(PROVIDER, 'Twilio answered with a body that could not be read', { mayHaveBeenSent: true });
}

function translateHttpError(error: TwilioHttpError): SmsGatewayError {
  const { code, message } = error.errorBody;
  return translateHttpAnswer(LABELS, { status: error.status, code, message, retryAfterHeader: error.headers['retry-after'] });
}

function asCode(value: unknown): string | number | undefined {
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}
