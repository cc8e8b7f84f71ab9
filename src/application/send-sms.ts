import type { Encoding } from '../domain/segments.js';
import { TooManySegmentsError } from '../domain/errors.js';
import { Sms } from '../domain/sms.js';
import type { Admission, SendGuards } from './guards/send-guards.js';
import { SendAbandonedError } from './send-abandoned-error.js';
import type { Clock } from './ports/clock.js';
import type { RateLimitDecision } from './ports/guard-store.js';
import type { Logger } from './ports/logger.js';
import { DestinationNotAllowedError, ProviderBalanceExhaustedError, RateLimitExceededError, ReceiverBackoffError } from './guards/guard-errors.js';
import { GuardStoreUnavailableError } from './ports/guard-store.js';
import { NO_METRICS, type GuardName, type SendMetrics } from './ports/metrics.js';
import { MessageRejectedError, SmsGatewayError, type SmsGateway } from './ports/sms-gateway.js';

export interface SendSmsCommand {
  readonly sender: unknown;
  readonly receiver: unknown;
  readonly body: unknown;
  /** Overrides the deployment's Smart Encoding default for this message. */
  readonly smartEncoding?: boolean;
  /** Aborts when the caller goes away: a message still held (back-off) is then not sent. */
  readonly signal?: AbortSignal;
}

/** What a deployment allows and prefers for every message. */
export interface SendPolicy {
  /** Smart Encoding when a command does not say. */
  readonly smartEncoding: boolean;
  /** Refuse a message that needs more parts than this, before any provider call. */
  readonly maxSegments?: number;
}

export const DEFAULT_SEND_POLICY: SendPolicy = { smartEncoding: false };

export interface SendSmsResult {
  readonly sid: string;
  readonly status: string;
  /** Parts billed: the provider's own count when it gives one, else the domain's. */
  readonly numSegments: number;
  readonly encoding: Encoding;
  /** When the provider accepted the message. */
  readonly dateEvent: Date;
  readonly provider: string;
  /** The global rate limit after this message, when the limit is on. */
  readonly rateLimit?: RateLimitDecision;
}

/** Sends one SMS. Used by the HTTP adapter and by batch jobs alike; knows nothing of either. */
export class SendSms {
  constructor(
    private readonly gateway: SmsGateway,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly policy: SendPolicy = DEFAULT_SEND_POLICY,
    private readonly guards?: SendGuards,
    private readonly metrics: SendMetrics = NO_METRICS,
  ) {}

  /** The message a send would make of `command`, checked as a send checks it (fields, segment cap); nothing is sent. */
  prepare(command: SendSmsCommand): Sms {
    const sms = Sms.create(command, { smartEncoding: command.smartEncoding ?? this.policy.smartEncoding });
    enforceSegmentCap(sms, this.policy.maxSegments);
    return sms;
  }

  async execute(command: SendSmsCommand): Promise<SendSmsResult> {
    const sms = this.prepare(command);
    const abandoned = (): boolean => command.signal?.aborted === true;
    if (abandoned()) throw new SendAbandonedError();
    const admission: Admission = (await this.guards?.admit(sms).catch((error: unknown) => this.refused(error))) ?? { holdMs: 0 };
    if (admission.holdMs > 0) {
      this.logger.info('holding sms: receiver back-off', { holdMs: admission.holdMs, receiver: sms.receiver.value });
      await this.clock.sleep(admission.holdMs, command.signal);
    }
    if (abandoned()) {
      await this.guards?.release(admission);
      throw new SendAbandonedError();
    }
    this.logger.debug('sending sms', {
      provider: this.gateway.provider,
      encoding: sms.segments.encoding,
      numSegments: sms.segments.numSegments,
      senderKind: sms.sender.kind,
    });
    const started = performance.now();
    const receipt = await this.gateway.send(sms).catch(async (error: unknown) => {
      if (certainlyNotSent(error)) await this.guards?.release(admission);
      if (error instanceof ProviderBalanceExhaustedError) this.metrics.guardRefused('balance');
      if (error instanceof SmsGatewayError) {
        this.metrics.messageNotSent(error.provider, error instanceof MessageRejectedError ? 'rejected' : 'failed');
        this.logger.warn('sms not accepted by provider', {
          provider: error.provider,
          error: error.name,
          reason: error.message,
          providerCode: error.providerCode,
          providerStatus: error.providerStatus,
          receiver: sms.receiver.value,
          providerMs: Math.round(performance.now() - started),
        });
      }
      throw error;
    });
    const dateEvent = this.clock.now();
    const provider = receipt.provider ?? this.gateway.provider;
    const numSegments =
      receipt.numSegments !== undefined && receipt.numSegments > 0 ? receipt.numSegments : sms.segments.numSegments;
    this.metrics.messageSent(provider, sms.segments.encoding, numSegments);
    // Debug, not info: the HTTP request line and the batch results file already record every accepted message.
    this.logger.debug('sms accepted by provider', {
      provider,
      sid: receipt.sid,
      status: receipt.status,
      numSegments,
      encoding: sms.segments.encoding,
      receiver: sms.receiver.value,
      providerMs: Math.round(performance.now() - started),
    });
    return {
      sid: receipt.sid,
      status: receipt.status,
      numSegments,
      encoding: sms.segments.encoding,
      dateEvent,
      provider,
      ...(admission.rateLimit === undefined ? {} : { rateLimit: admission.rateLimit }),
    };
  }

  /** Counts a guard's refusal, then passes it on to the caller. */
  private refused(error: unknown): never {
    const guard = guardOf(error);
    if (guard !== undefined) this.metrics.guardRefused(guard);
    throw error;
  }
}

// A failure after which the message is certainly not out: it must not count against its receiver's back-off.
function certainlyNotSent(error: unknown): boolean {
  return error instanceof ProviderBalanceExhaustedError || (error instanceof SmsGatewayError && !error.mayHaveBeenSent);
}

function guardOf(error: unknown): GuardName | undefined {
  if (error instanceof DestinationNotAllowedError) return 'destination';
  if (error instanceof RateLimitExceededError) return 'rate_limit';
  if (error instanceof ReceiverBackoffError) return 'receiver_backoff';
  if (error instanceof GuardStoreUnavailableError) return 'store_unavailable';
  return undefined;
}

function enforceSegmentCap(sms: Sms, maxSegments: number | undefined): void {
  const { numSegments, encoding, nonGsmCharacters } = sms.segments;
  if (maxSegments === undefined || numSegments <= maxSegments) return;
  const culprits = nonGsmCharacters.slice(0, 5).map((character) => JSON.stringify(character)).join(' ');
  const detail = encoding === 'UCS-2' ? ` as UCS-2 (forced by ${culprits})` : ' as GSM-7';
  throw new TooManySegmentsError(numSegments, maxSegments, detail);
}
