import type { Request, Response } from 'express';
import { strictRouter } from './strict-router.js';
import type { IdempotentExecution, Outcome } from '../../application/idempotency/idempotent-execution.js';
import type { Logger } from '../../application/ports/logger.js';
import { ProviderOverloadedError, SmsGatewayError } from '../../application/ports/sms-gateway.js';
import type { SendSms, SendSmsResult } from '../../application/send-sms.js';
import { apiClientOf } from './api-keys.js';
import { answerFor, errorAnswer, errorBody } from './error-middleware.js';
import { jsonBody, methodNotAllowed } from './json-body.js';
import { rateLimitHeaders } from './rate-limit-headers.js';
import { addRequestLogFields, logContextScope } from './request-context.js';
import { compileValidator } from './request-validation.js';
import { sendRequestSchema, type SendRequest } from './request-schemas.js';

/** The documented 200 answer of `POST /send`: every value a string. */
export interface SendResponse {
  dateEvent: string;
  numSegments: string;
  sid: string;
  status: string;
  /** Which provider took the message. */
  provider: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export interface SendRouteDependencies {
  readonly sendSms: SendSms;
  readonly idempotency: IdempotentExecution;
  readonly logger: Logger;
}

/**
 * `POST /send`. With an Idempotency-Key header the answer is kept and replayed byte for byte to a retry with
 * the same key and body, whose provider is never called again.
 */
export function sendRoute({ sendSms, idempotency, logger }: SendRouteDependencies) {
  const router = strictRouter();
  const validate = compileValidator<SendRequest>(sendRequestSchema);
  const send = (req: Request, res: Response) => sendSms.execute({ ...validate(req.body), signal: abandonedSignal(res) });

  router.post('/send', ...jsonBody(), logContextScope(), async (req, res) => {
    const key = req.get('idempotency-key');
    if (key === undefined) {
      const result = await send(req, res);
      if (result.rateLimit !== undefined) res.set(rateLimitHeaders(result.rateLimit));
      addRequestLogFields(res, sentLogFields(result));
      res.status(200).json(toResponse(result));
      return;
    }
    // Headers that describe this moment (rate limit, Retry-After) go with the first answer only.
    let headers: Readonly<Record<string, string>> = {};
    const { answer, replayed } = await idempotency.run({ key, scope: apiClientOf(res), payload: req.body }, async (): Promise<Outcome> => {
      try {
        const result = await send(req, res);
        if (result.rateLimit !== undefined) headers = rateLimitHeaders(result.rateLimit);
        addRequestLogFields(res, sentLogFields(result));
        return { answer: { status: 200, contentType: JSON_TYPE, body: JSON.stringify(toResponse(result)) }, keep: true };
      } catch (error) {
        const failure = errorAnswer(error, logger, req, res);
        headers = failure.headers ?? {};
        return {
          answer: { status: failure.status, contentType: JSON_TYPE, body: JSON.stringify(errorBody(failure.status, failure.message)) },
          keep: isFinal(error, failure.status),
        };
      }
    });
    if (replayed) addRequestLogFields(res, { idempotentReplay: true });
    res.set(replayed ? { 'Idempotent-Replayed': 'true' } : headers);
    writeAnswer(res, answer);
  });
  router.all('/send', methodNotAllowed(['POST']));
  return router;
}

// What the request's log line says of a sent message: enough to find it at the provider, nothing personal.
function sentLogFields(result: SendSmsResult) {
  return { provider: result.provider, sid: result.sid, providerStatus: result.status, numSegments: result.numSegments, encoding: result.encoding };
}

/** Aborts when the client goes away before its answer is written: a message still held is then not sent. */
function abandonedSignal(res: Response): AbortSignal {
  const abandoned = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abandoned.abort();
  });
  return abandoned.signal;
}

function toResponse(result: SendSmsResult): SendResponse {
  return {
    dateEvent: result.dateEvent.toISOString(),
    numSegments: String(result.numSegments),
    sid: result.sid,
    status: result.status,
    provider: result.provider,
  };
}

/**
 * Whether an outcome is known for good and is kept for the key: a sent message, or a provider's answer other
 * than "try later" (429, 503, the provider's own 503 answered as 502). A refusal before any provider call
 * (validation, guards) is not: the caller fixes the request or waits, and retries with the same key. An
 * unexpected error is kept, since the message may be out.
 */
function isFinal(error: unknown, status: number): boolean {
  if (status === 429 || status === 503 || error instanceof ProviderOverloadedError) return false;
  return error instanceof SmsGatewayError || answerFor(error) === undefined;
}

function writeAnswer(res: Response, answer: { status: number; contentType: string; body: string }): void {
  res.status(answer.status).set('Content-Type', answer.contentType).send(Buffer.from(answer.body, 'utf8'));
}
