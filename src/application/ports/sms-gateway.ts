import type { Sms } from '../../domain/sms.js';

/** What a provider answered when it accepted a message. */
export interface SmsReceipt {
  /** Which provider accepted it, when a gateway chooses among several. */
  readonly provider?: string;
  /** The provider's message id. */
  readonly sid: string;
  /** The provider's status for the message, e.g. `queued`, `accepted`, `sent`. */
  readonly status: string;
  /** Parts the provider says it will bill, when it says so. */
  readonly numSegments?: number;
}

export interface SendOptions {
  /** Time left for this call, when less than the gateway's own timeout. */
  readonly timeoutMs?: number;
}

/** Sends one SMS through one provider. Fails only with a SmsGatewayError subclass. */
export interface SmsGateway {
  /** Short name of the provider, e.g. `twilio`. */
  readonly provider: string;
  send(sms: Sms, options?: SendOptions): Promise<SmsReceipt>;
}

export interface ProviderErrorDetails {
  /** True when the provider may have taken the message (no answer, or an answer we cannot trust). */
  readonly mayHaveBeenSent?: boolean;
  /** The provider's own error code, when it gave one (Twilio `21211`, Kaleyra `E413`, an errno such as `ECONNRESET`). */
  readonly providerCode?: string | number;
  /** HTTP status the provider answered with, when it answered. */
  readonly providerStatus?: number;
}

/** A provider call did not end with an accepted message. The message is the provider's, with no secret in it. */
export abstract class SmsGatewayError extends Error {
  readonly providerCode?: string | number;
  readonly providerStatus?: number;
  /**
   * Whether the message may have gone out despite the error. Only a failure with `false` may be retried or sent
   * through another provider: anything else could deliver it twice.
   */
  readonly mayHaveBeenSent: boolean;

  constructor(
    readonly provider: string,
    message: string,
    details: ProviderErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.providerCode = details.providerCode;
    this.providerStatus = details.providerStatus;
    this.mayHaveBeenSent = details.mayHaveBeenSent ?? false;
  }
}

/** The provider refused this message (bad number, no permission for the destination, unsubscribed…). */
export class MessageRejectedError extends SmsGatewayError {}

/** The provider asked us to slow down. It did not take the message. */
export class ProviderRateLimitedError extends SmsGatewayError {
  /** Seconds the provider asked us to wait, from its Retry-After header. */
  readonly retryAfterSeconds?: number;

  constructor(
    provider: string,
    message: string,
    details: ProviderErrorDetails & { readonly retryAfterSeconds?: number } = {},
  ) {
    super(provider, message, details);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** The provider refused our credentials or account: a deployment problem, not the caller's. */
export class ProviderAuthenticationError extends SmsGatewayError {}

/**
 * The provider failed: a 5xx, an error inside a 2xx, an answer we cannot read, a reset after we sent. Most of
 * these leave the outcome unknown (`mayHaveBeenSent`): a 500 or a gateway's 502/504 can come after the provider
 * created the message.
 */
export class ProviderFailureError extends SmsGatewayError {}

/**
 * The provider answered 503: it cannot take requests now and did not process this one, so another provider may
 * send the message, and the caller may try again later with the same idempotency key.
 */
export class ProviderOverloadedError extends ProviderFailureError {
  /** Seconds the provider asked us to wait, from its Retry-After header. */
  readonly retryAfterSeconds?: number;

  constructor(
    provider: string,
    message: string,
    details: Omit<ProviderErrorDetails, 'mayHaveBeenSent'> & { readonly retryAfterSeconds?: number } = {},
  ) {
    super(provider, message, { ...details, mayHaveBeenSent: false });
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** The provider could not be reached; it certainly did not take the message. */
export class ProviderUnavailableError extends SmsGatewayError {}

/** The provider did not answer in time; the message may or may not have been sent. */
export class ProviderTimeoutError extends SmsGatewayError {
  constructor(provider: string, message: string, details: ProviderErrorDetails = {}) {
    super(provider, message, { ...details, mayHaveBeenSent: true });
  }
}
