import { createHash } from 'node:crypto';
import { DomainError } from '../../domain/errors.js';
import {
  DestinationNotAllowedError,
  ProviderBalanceExhaustedError,
  RateLimitExceededError,
  ReceiverBackoffError,
} from '../guards/guard-errors.js';
import { GuardStoreUnavailableError } from '../ports/guard-store.js';
import { IdempotencyStoreUnavailableError } from '../ports/idempotency-store.js';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError } from '../idempotency/idempotency-errors.js';
import type { IdempotentExecution, Outcome } from '../idempotency/idempotent-execution.js';
import type { Clock } from '../ports/clock.js';
import type { StoredAnswer } from '../ports/idempotency-store.js';
import { MessageRejectedError, SmsGatewayError } from '../ports/sms-gateway.js';
import { SendAbandonedError } from '../send-abandoned-error.js';
import type { SendSms } from '../send-sms.js';
import { NO_SENDER, NOT_SENT_STOPPED, type BatchRow, type RowResult } from './batch-row.js';

export interface RowSendResult {
  readonly result: RowResult;
  /** The row failed in a way that certainly left it unsent and that a later attempt may get past. */
  readonly retryable: boolean;
  /** The batch stopped (Ctrl-C) before the row reached the provider: it is to be sent later, not counted as failed. */
  readonly stopped?: boolean;
}

export interface RowSendOptions {
  /** Sender of a row that has none. */
  readonly defaultSender?: string;
  /** Aborts when the batch stops: a row still waiting (rate limit, receiver back-off) is then not sent. */
  readonly signal?: AbortSignal;
  /** Which `--retry-uncertain` round this is (0, the first send, by default): each round has its own key. */
  readonly retry?: number;
  /**
   * The process that held the row before died after it may have called the provider: unless the row's key has
   * an answer, it is reported as failed, may have been sent, rather than sent a second time.
   */
  readonly afterCrash?: boolean;
  /**
   * Awaited with true just before the row goes to the use case (and so to the provider), and with false once
   * it certainly did not get there: lets a queue tell, after a crash, whether the dead process may have sent it.
   */
  readonly markProviderCall?: (underWay: boolean) => Promise<void>;
}

type SendCommand = { sender: string; receiver: string; body: string };

const JSON_TYPE = 'application/json';

/**
 * Sends one batch row through the same use case, guards and idempotency as `POST /send`. The row's key is the
 * batch name and its id, so a rerun, a resume or a second worker never sends a row twice. When the global rate
 * limit is used up the row waits for the next window instead of failing, unless the batch stops meanwhile.
 */
export class BatchRowSender {
  constructor(
    private readonly sendSms: SendSms,
    private readonly idempotency: IdempotentExecution,
    private readonly clock: Clock,
  ) {}

  /** Sends the row unless its key has an answer, or reports why it was not sent. */
  async send(row: BatchRow, batch: string, options: RowSendOptions = {}): Promise<RowSendResult> {
    const sender = row.sender ?? options.defaultSender;
    if (sender === undefined) return { result: { id: row.id, line: row.line, outcome: 'rejected', error: NO_SENDER }, retryable: false };
    const command: SendCommand = { sender, receiver: row.receiver, body: row.body };
    const retry = options.retry ?? 0;
    const uncertain = (): StoredAnswer => ({
      status: 502,
      contentType: JSON_TYPE,
      body: JSON.stringify({
        id: row.id,
        line: row.line,
        outcome: 'failed',
        error: 'the process sending this row stopped mid-send; the provider may have the message: check before sending it again',
        mayHaveBeenSent: true,
      } satisfies RowResult),
    });
    for (;;) {
      if (options.signal?.aborted === true) return stoppedResult(row);
      try {
        const { answer } = await this.idempotency.run(
          { key: rowKey(batch, row.id, retry), scope: 'batch', payload: command },
          // After such a crash the row is never sent again on its own, even once the dead process's claim expired.
          options.afterCrash === true ? async () => ({ answer: uncertain(), keep: true }) : () => this.attempt(row, command, options),
          options.afterCrash === true ? uncertain : undefined,
        );
        const result: RowResult = { ...(JSON.parse(answer.body) as RowResult), id: row.id, line: row.line, ...(retry > 0 ? { retry } : {}) };
        return { result, retryable: false };
      } catch (error) {
        if (error instanceof RateLimitExceededError) {
          await this.clock.sleep(error.retryAfterSeconds * 1000, options.signal);
          continue;
        }
        if (error instanceof SendAbandonedError) return stoppedResult(row);
        const failure = describeFailure(error);
        return { result: { ...failureResult(row, failure, error), ...(retry > 0 ? { retry } : {}) }, retryable: failure.retryable };
      }
    }
  }

  private async attempt(row: BatchRow, command: SendCommand, options: RowSendOptions): Promise<Outcome> {
    await options.markProviderCall?.(true);
    let outcome: Outcome;
    try {
      const sent = await this.sendSms.execute({ ...command, ...(options.signal === undefined ? {} : { signal: options.signal }) });
      const result: RowResult = {
        id: row.id,
        line: row.line,
        outcome: 'sent',
        sid: sent.sid,
        status: sent.status,
        numSegments: sent.numSegments,
        encoding: sent.encoding,
        provider: sent.provider,
      };
      return { answer: { status: 200, contentType: JSON_TYPE, body: JSON.stringify(result) }, keep: true };
    } catch (error) {
      const failure = describeFailure(error);
      if (error instanceof RateLimitExceededError || error instanceof SendAbandonedError || failure.retryable) {
        await options.markProviderCall?.(false);
        throw error;
      }
      const mayHaveBeenSent = error instanceof SmsGatewayError && error.mayHaveBeenSent;
      const result: RowResult = { ...failureResult(row, failure, error), ...(mayHaveBeenSent ? { mayHaveBeenSent } : {}) };
      // Kept for the key: what the provider may have sent, and what it refused for good. A failure that left the
      // message certainly unsent is not, so a resume sends it.
      outcome = {
        answer: { status: failure.outcome === 'rejected' ? 400 : 502, contentType: JSON_TYPE, body: JSON.stringify(result) },
        keep: mayHaveBeenSent || failure.outcome === 'rejected',
      };
    }
    if (!outcome.keep) await options.markProviderCall?.(false);
    return outcome;
  }
}

/** The result line of a row that failed, naming the provider when one was tried. */
function failureResult(row: BatchRow, failure: Failure, error: unknown): RowResult {
  return {
    id: row.id,
    line: row.line,
    outcome: failure.outcome,
    error: failure.message,
    ...(error instanceof SmsGatewayError ? { provider: error.provider } : {}),
  };
}

function stoppedResult(row: BatchRow): RowSendResult {
  return { result: { id: row.id, line: row.line, outcome: 'failed', error: NOT_SENT_STOPPED }, retryable: true, stopped: true };
}

interface Failure {
  readonly outcome: 'rejected' | 'failed';
  readonly message: string;
  readonly retryable: boolean;
}

/** Rejected: the message itself is wrong and will be again. Failed: anything else. */
function describeFailure(error: unknown): Failure {
  const message = error instanceof Error ? error.message : String(error);
  if (
    error instanceof DomainError ||
    error instanceof MessageRejectedError ||
    error instanceof DestinationNotAllowedError ||
    error instanceof IdempotencyKeyReusedError
  ) {
    return { outcome: 'rejected', message, retryable: false };
  }
  if (error instanceof IdempotencyKeyInFlightError) return { outcome: 'failed', message: 'the row is being sent by another run or worker', retryable: true };
  if (error instanceof SmsGatewayError) return { outcome: 'failed', message, retryable: !error.mayHaveBeenSent };
  // Guards, stores, balance and a stop: nothing reached a provider.
  const refusedBeforeSending =
    error instanceof ReceiverBackoffError ||
    error instanceof ProviderBalanceExhaustedError ||
    error instanceof GuardStoreUnavailableError ||
    error instanceof IdempotencyStoreUnavailableError ||
    error instanceof SendAbandonedError;
  return { outcome: 'failed', message, retryable: refusedBeforeSending };
}

/** The idempotency key of a row (of its `retry`-th round of `--retry-uncertain`): any batch name and id, always a valid key. */
export function rowKey(batch: string, id: string, retry = 0): string {
  return createHash('sha256')
    .update(retry === 0 ? `${batch}\n${id}` : `${batch}\n${id}\nretry ${retry}`)
    .digest('base64url');
}
