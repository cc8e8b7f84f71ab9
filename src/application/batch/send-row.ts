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
import type { SendSms } from '../send-sms.js';
import type { BatchRow, RowResult } from './batch-row.js';

export interface RowSendResult {
  readonly result: RowResult;
  /** The row failed in a way that certainly left it unsent and that a later attempt may get past. */
  readonly retryable: boolean;
}

const JSON_TYPE = 'application/json';

/**
 * Sends one batch row through the same use case, guards and idempotency as `POST /send`. The row's key is the
 * batch name and its id, so a rerun, a resume or a second worker never sends a row twice. When the global rate
 * limit is used up the row waits for the next window instead of failing.
 */
export class BatchRowSender {
  constructor(
    private readonly sendSms: SendSms,
    private readonly idempotency: IdempotentExecution,
    private readonly clock: Clock,
  ) {}

  /**
   * Sends the row unless its key has an answer. `afterCrash` says the row was being sent by a process that died:
   * if that process had claimed the row, whether the provider took it cannot be known, so the row is reported
   * as failed, may have been sent, rather than sent a second time.
   */
  async send(row: BatchRow, batch: string, options: { defaultSender?: string; afterCrash?: boolean } = {}): Promise<RowSendResult> {
    const command = { sender: row.sender ?? options.defaultSender, receiver: row.receiver, body: row.body };
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
      try {
        const { answer } = await this.idempotency.run(
          { key: rowKey(batch, row.id), scope: 'batch', payload: command },
          () => this.attempt(row, command),
          options.afterCrash === true ? uncertain : undefined,
        );
        const result = { ...(JSON.parse(answer.body) as RowResult), id: row.id, line: row.line };
        return { result, retryable: false };
      } catch (error) {
        if (error instanceof RateLimitExceededError) {
          await this.clock.sleep(error.retryAfterSeconds * 1000);
          continue;
        }
        const failure = describeFailure(error);
        return { result: { id: row.id, line: row.line, outcome: failure.outcome, error: failure.message }, retryable: failure.retryable };
      }
    }
  }

  private async attempt(row: BatchRow, command: { sender: unknown; receiver: unknown; body: unknown }): Promise<Outcome> {
    try {
      const sent = await this.sendSms.execute(command);
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
      if (error instanceof RateLimitExceededError) throw error;
      const failure = describeFailure(error);
      if (failure.retryable) throw error;
      const mayHaveBeenSent = error instanceof SmsGatewayError && error.mayHaveBeenSent;
      const result: RowResult = {
        id: row.id,
        line: row.line,
        outcome: failure.outcome,
        error: failure.message,
        ...(error instanceof SmsGatewayError ? { provider: error.provider } : {}),
        ...(mayHaveBeenSent ? { mayHaveBeenSent } : {}),
      };
      // Kept for the key: what the provider may have sent, and what it refused for good. A failure that left the
      // message certainly unsent is not, so a resume sends it.
      return {
        answer: { status: failure.outcome === 'rejected' ? 400 : 502, contentType: JSON_TYPE, body: JSON.stringify(result) },
        keep: mayHaveBeenSent || failure.outcome === 'rejected',
      };
    }
  }
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
  // Guards, stores and balance: nothing reached a provider.
  const refusedBeforeSending =
    error instanceof ReceiverBackoffError ||
    error instanceof ProviderBalanceExhaustedError ||
    error instanceof GuardStoreUnavailableError ||
    error instanceof IdempotencyStoreUnavailableError;
  return { outcome: 'failed', message, retryable: refusedBeforeSending };
}

/** The idempotency key of a row: any batch name and id, always a valid key. */
export function rowKey(batch: string, id: string): string {
  return createHash('sha256').update(`${batch}\n${id}`).digest('base64url');
}
