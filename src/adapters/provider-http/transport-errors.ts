import { isAxiosError } from 'axios';
import {
  ProviderFailureError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  type SmsGatewayError,
} from '../../application/ports/sms-gateway.js';

// Raised before a request could be written: the provider certainly did not receive the message.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
// Our deadline (axios timeout or the abort signal) passed: the provider may have taken the message.
const TIMED_OUT = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

/**
 * Translates an error raised while talking to a provider over HTTP (no answer received) into a gateway error.
 * Returns undefined when the error is not a transport error, so the caller can translate it otherwise.
 */
export function translateTransportError(provider: string, label: string, error: unknown): SmsGatewayError | undefined {
  const code = errorCode(error);
  if (code === undefined) return undefined;
  if (TIMED_OUT.has(code) || (error instanceof Error && error.name === 'TimeoutError')) {
    return new ProviderTimeoutError(provider, `${label} did not answer in time; the message may have been sent`, {
      providerCode: code,
    });
  }
  if (NOT_CONNECTED.has(code)) {
    return new ProviderUnavailableError(provider, `${label} could not be reached (${code})`, { providerCode: code });
  }
  return new ProviderFailureError(
    provider,
    `${label} connection failed after the request was sent (${code}); the message may have been sent`,
    { providerCode: code, mayHaveBeenSent: true },
  );
}

function errorCode(error: unknown): string | undefined {
  if (isAxiosError(error)) {
    if (error.response !== undefined) return undefined;
    const cause = error.cause as { code?: unknown } | undefined;
    if (typeof error.code === 'string') return error.code;
    if (typeof cause?.code === 'string') return cause.code;
    return 'ERR_NETWORK';
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'ERR_CANCELED';
  // Node's own http client: a system error such as ECONNREFUSED or ECONNRESET.
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  return undefined;
}
