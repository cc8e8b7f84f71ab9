import twilio from 'twilio';
import type { Sms } from '../../domain/sms.js';
import {
  MessageRejectedError,
  ProviderAuthenticationError,
  ProviderFailureError,
  ProviderRateLimitedError,
  type SmsGateway,
  type SmsGatewayError,
  type SmsReceipt,
} from '../../application/ports/sms-gateway.js';
import { parseRetryAfter } from '../provider-http/retry-after.js';
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
// Statuses a just-created message can have that mean it will not be delivered.
const FAILED_STATUSES = new Set(['failed', 'undelivered', 'canceled']);

/** Sends through Twilio's Programmable Messaging API with the official SDK. */
export class TwilioSmsGateway implements SmsGateway {
  readonly provider = PROVIDER;
  private readonly client: twilio.Twilio;

  constructor(config: TwilioGatewayConfig) {
    this.client = twilio(config.accountSid, config.authToken, {
      httpClient: new TwilioHttpClient(config.baseUrl, config.timeoutMs),
      autoRetry: false,
    });
  }

  async send(sms: Sms): Promise<SmsReceipt> {
    let message: { sid?: unknown; status?: unknown; numSegments?: unknown; errorCode?: unknown; errorMessage?: unknown };
    try {
      message = await this.client.messages.create({
        from: sms.sender.value,
        to: sms.receiver.value,
        body: sms.body.value,
      });
    } catch (error) {
      throw translateTwilioError(error);
    }
    return toReceipt(message);
  }
}

function toReceipt(message: { sid?: unknown; status?: unknown; numSegments?: unknown; errorCode?: unknown; errorMessage?: unknown }): SmsReceipt {
  const { sid, status } = message;
  if (typeof sid !== 'string' || sid === '' || typeof status !== 'string' || status === '') {
    throw new ProviderFailureError(PROVIDER, 'Twilio answered 2xx without a message sid and status');
  }
  if (message.errorCode !== null && message.errorCode !== undefined || FAILED_STATUSES.has(status)) {
    const detail = typeof message.errorMessage === 'string' ? `: ${message.errorMessage}` : '';
    throw new ProviderFailureError(PROVIDER, `Twilio reported message ${sid} as ${status}${detail}`, {
      providerCode: asCode(message.errorCode),
    });
  }
  const numSegments = Number(message.numSegments);
  return Number.isInteger(numSegments) && numSegments > 0 ? { sid, status, numSegments } : { sid, status };
}

export function translateTwilioError(error: unknown): SmsGatewayError {
  if (error instanceof TwilioHttpError) return translateHttpError(error);
  const transport = translateTransportError(PROVIDER, 'Twilio', error);
  if (transport !== undefined) return transport;
  // The SDK raises SyntaxError on a 2xx body that is not JSON, TypeError on one that is not an object.
  return new ProviderFailureError(PROVIDER, 'Twilio answered with a body that could not be read');
}

function translateHttpError(error: TwilioHttpError): SmsGatewayError {
  const { code, message } = error.errorBody;
  const details = { providerCode: code, providerStatus: error.status };
  const said = typeof message === 'string' && message !== '' ? message : `HTTP ${error.status}`;
  const codeSuffix = code === undefined ? '' : ` (Twilio error ${code})`;
  if (error.status >= 200 && error.status < 300) {
    return new ProviderFailureError(PROVIDER, `Twilio reported an error in a ${error.status} answer: ${said}${codeSuffix}`, details);
  }
  if (error.status === 429) {
    return new ProviderRateLimitedError(PROVIDER, `Twilio is rate limiting requests: ${said}${codeSuffix}`, {
      ...details,
      retryAfterSeconds: parseRetryAfter(error.headers['retry-after']),
    });
  }
  if (error.status === 401 || error.status === 403 || error.status === 404) {
    // Twilio's text for these can name the account; say only what an operator needs.
    return new ProviderAuthenticationError(
      PROVIDER,
      `Twilio refused the service's credentials or account (HTTP ${error.status}${code === undefined ? '' : `, Twilio error ${code}`}); check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN`,
      details,
    );
  }
  if (error.status >= 400 && error.status < 500) {
    return new MessageRejectedError(PROVIDER, `Twilio rejected the message: ${said}${codeSuffix}`, details);
  }
  return new ProviderFailureError(PROVIDER, `Twilio failed: ${said}${codeSuffix}`, details);
}

function asCode(value: unknown): string | number | undefined {
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}
