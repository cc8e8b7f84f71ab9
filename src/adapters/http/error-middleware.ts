import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Request, Response } from 'express';
import {
  DestinationNotAllowedError,
  ProviderBalanceExhaustedError,
  RateLimitExceededError,
  ReceiverBackoffError,
} from '../../application/guards/guard-errors.js';
import {
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
  InvalidIdempotencyKeyError,
} from '../../application/idempotency/idempotency-errors.js';
import { GuardStoreUnavailableError } from '../../application/ports/guard-store.js';
import { SendAbandonedError } from '../../application/send-abandoned-error.js';
import { IdempotencyStoreUnavailableError } from '../../application/ports/idempotency-store.js';
import type { Logger } from '../../application/ports/logger.js';
import {
  MessageRejectedError,
  ProviderAuthenticationError,
  ProviderFailureError,
  ProviderOverloadedError,
  ProviderRateLimitedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../../application/ports/sms-gateway.js';
import { DomainError } from '../../domain/errors.js';
import { HttpError } from './http-error.js';
import { rateLimitHeaders } from './rate-limit-headers.js';
import { requestIdOf } from './request-context.js';

/** What the service answers for an error. */
export interface ErrorAnswer {
  status: number;
  message: string;
  headers?: Readonly<Record<string, string>>;
}

type ErrorClass = abstract new (...args: never[]) => Error;

// The one table from error classes to HTTP statuses. First match wins, so subclasses come before their parents.
const STATUS_BY_ERROR: ReadonlyArray<readonly [ErrorClass, (error: never) => ErrorAnswer]> = [
  [HttpError, (e: HttpError) => ({ status: e.status, message: e.message, headers: e.headers })],
  [DomainError, (e: DomainError) => ({ status: 400, message: e.message })],
  [MessageRejectedError, (e: MessageRejectedError) => ({ status: 400, message: e.message })],
  [
    ProviderRateLimitedError,
    (e: ProviderRateLimitedError) => ({
      status: 429,
      message: e.message,
      headers: e.retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(e.retryAfterSeconds) },
    }),
  ],
  [ProviderAuthenticationError, (e: ProviderAuthenticationError) => ({ status: 502, message: e.message })],
  [
    ProviderOverloadedError,
    (e: ProviderOverloadedError) => ({
      status: 502,
      message: e.message,
      headers: e.retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(e.retryAfterSeconds) },
    }),
  ],
  [ProviderFailureError, (e: ProviderFailureError) => ({ status: 502, message: e.message })],
  [ProviderUnavailableError, (e: ProviderUnavailableError) => ({ status: 503, message: e.message })],
  [ProviderTimeoutError, (e: ProviderTimeoutError) => ({ status: 504, message: e.message })],
  [DestinationNotAllowedError, (e: DestinationNotAllowedError) => ({ status: 403, message: e.message })],
  [
    RateLimitExceededError,
    (e: RateLimitExceededError) => ({
      status: 429,
      message: e.message,
      headers: { ...rateLimitHeaders(e.rateLimit), 'Retry-After': String(e.retryAfterSeconds) },
    }),
  ],
  [
    ReceiverBackoffError,
    (e: ReceiverBackoffError) => ({ status: 429, message: e.message, headers: { 'Retry-After': String(e.retryAfterSeconds) } }),
  ],
  [ProviderBalanceExhaustedError, (e: ProviderBalanceExhaustedError) => ({ status: 503, message: e.message })],
  [GuardStoreUnavailableError, () => ({ status: 503, message: 'guard store unavailable' })],
  [SendAbandonedError, (e: SendAbandonedError) => ({ status: 503, message: e.message })],
  [InvalidIdempotencyKeyError, (e: InvalidIdempotencyKeyError) => ({ status: 400, message: e.message })],
  [IdempotencyKeyInFlightError, (e: IdempotencyKeyInFlightError) => ({ status: 409, message: e.message })],
  [IdempotencyKeyReusedError, (e: IdempotencyKeyReusedError) => ({ status: 422, message: e.message })],
  [IdempotencyStoreUnavailableError, () => ({ status: 503, message: 'idempotency store unavailable; retry with the same key' })],
];

// Errors raised by express.json (body-parser), recognised by their `type`.
const BODY_PARSER_ANSWERS: Readonly<Record<string, (error: { limit?: number }) => ErrorAnswer>> = {
  'entity.parse.failed': () => ({ status: 400, message: 'the request body is not valid JSON' }),
  'entity.too.large': (e) => ({ status: 413, message: `the request body must not exceed ${e.limit ?? 16384} bytes` }),
  'charset.unsupported': () => ({ status: 415, message: 'the request body must be UTF-8 encoded JSON' }),
  'encoding.unsupported': () => ({ status: 415, message: 'the request body must not be compressed (no Content-Encoding)' }),
  'request.aborted': () => ({ status: 400, message: 'the request was aborted before its body was received' }),
  'request.size.invalid': () => ({ status: 400, message: 'the request body is shorter or longer than its Content-Length' }),
  'stream.encoding.set': () => ({ status: 500, message: 'internal server error' }),
};

export function answerFor(error: unknown): ErrorAnswer | undefined {
  for (const [errorClass, answer] of STATUS_BY_ERROR) {
    if (error instanceof errorClass) return answer(error as never);
  }
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && Object.hasOwn(BODY_PARSER_ANSWERS, type)) {
    return BODY_PARSER_ANSWERS[type]?.(error as { limit?: number });
  }
  return undefined;
}

/** The documented error body: `{statusCode, error, message}` with statusCode as a string. */
export function errorBody(status: number, message: string): { statusCode: string; error: string; message: string } {
  return { statusCode: String(status), error: STATUS_CODES[status] ?? 'Error', message };
}

/** Writes the documented error body. */
export function sendError(res: Response, status: number, message: string, headers: Readonly<Record<string, string>> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(status).json(errorBody(status, message));
}

/** The answer for any error; anything unexpected is a 500 whose stack goes to the log only. */
export function errorAnswer(error: unknown, logger: Logger, req: Request, res: Response): ErrorAnswer {
  const answer = answerFor(error);
  if (answer !== undefined) return answer;
  logger.error('unexpected error', {
    requestId: requestIdOf(res),
    method: req.method,
    path: req.path,
    error: error instanceof Error ? error.name : typeof error,
    stack: error instanceof Error ? error.stack : undefined,
  });
  return { status: 500, message: 'internal server error' };
}

/** Maps every error to the documented error body. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const answer = errorAnswer(error, logger, req, res);
    sendError(res, answer.status, answer.message, answer.headers);
  };
}
