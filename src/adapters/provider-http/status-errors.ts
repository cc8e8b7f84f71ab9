import {
  MessageRejectedError,
  ProviderAuthenticationError,
  ProviderFailureError,
  ProviderOverloadedError,
  ProviderRateLimitedError,
  type SmsGatewayError,
} from '../../application/ports/sms-gateway.js';
import { parseRetryAfter } from './retry-after.js';

/** A provider's answer that did not accept the message, as read from its wire format. */
export interface ProviderHttpAnswer {
  readonly status: number;
  /** The provider's error code, when its body had one. */
  readonly code?: string | number;
  /** The provider's own explanation, when its body had one. */
  readonly message?: string;
  readonly retryAfterHeader?: unknown;
}

export interface ProviderLabels {
  /** `twilio`, `kaleyra`: what errors carry as `provider`. */
  readonly provider: string;
  /** `Twilio`, `Kaleyra`: how messages name it. */
  readonly name: string;
  /** The settings an operator should check when the provider refuses the credentials. */
  readonly credentialSettings: string;
}

/**
 * The HTTP status of a provider's answer decides what kind of failure it is: 429 rate limiting, 401/403/404 our
 * credentials or account, another 4xx a rejection of this message, 503 a refusal to process anything now, any
 * other 5xx (or an error inside a 2xx) a failure whose outcome is unknown.
 */
export function translateHttpAnswer(labels: ProviderLabels, answer: ProviderHttpAnswer): SmsGatewayError {
  const { provider, name } = labels;
  const { status, code } = answer;
  const details = { providerCode: code, providerStatus: status };
  const said = answer.message !== undefined && answer.message !== '' ? answer.message : `HTTP ${status}`;
  const codeSuffix = code === undefined ? '' : ` (${name} error ${code})`;
  if (status >= 200 && status < 300) {
    return new ProviderFailureError(provider, `${name} reported an error in a ${status} answer: ${said}${codeSuffix}`, {
      ...details,
      mayHaveBeenSent: true,
    });
  }
  if (status === 429) {
    return new ProviderRateLimitedError(provider, `${name} is rate limiting requests: ${said}${codeSuffix}`, {
      ...details,
      retryAfterSeconds: parseRetryAfter(answer.retryAfterHeader),
    });
  }
  if (status === 401 || status === 403 || status === 404) {
    // The provider's text for these can name the account: say only what an operator needs.
    const codePart = code === undefined ? '' : `, ${name} error ${code}`;
    return new ProviderAuthenticationError(
      provider,
      `${name} refused the service's credentials or account (HTTP ${status}${codePart}); check ${labels.credentialSettings}`,
      details,
    );
  }
  if (status >= 400 && status < 500) {
    return new MessageRejectedError(provider, `${name} rejected the message: ${said}${codeSuffix}`, details);
  }
  if (status === 503) {
    return new ProviderOverloadedError(provider, `${name} is unavailable and did not process the message: ${said}${codeSuffix}`, {
      ...details,
      retryAfterSeconds: parseRetryAfter(answer.retryAfterHeader),
    });
  }
  // A 500, or a 502/504 from a gateway in front of the provider, can come after the message was created.
  return new ProviderFailureError(provider, `${name} failed: ${said}${codeSuffix}; the message may have been sent`, {
    ...details,
    mayHaveBeenSent: true,
  });
}
