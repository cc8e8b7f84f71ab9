import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { logContext } from '../../application/log-context.js';
import type { LogFields, Logger } from '../../application/ports/logger.js';

// A caller's id is reused only when it cannot carry anything but an identifier.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(res: Response): string {
  return String(res.locals.requestId ?? '');
}

/**
 * Adds fields to the request's one log line (what a route learnt: the provider, the message sid). The caller
 * passes only identifiers and counts: the logger masks numbers but a route should not rely on it.
 */
export function addRequestLogFields(res: Response, fields: LogFields): void {
  res.locals.logFields = { ...(res.locals.logFields as LogFields | undefined), ...fields };
}

/**
 * Gives the request an id (the caller's X-Request-Id when sane), answers it, and logs one line when done, with
 * whatever the route added through `addRequestLogFields` (one line per request, not one per step: each line
 * costs a format pass and a write).
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    const offered = req.get('x-request-id');
    const requestId = offered !== undefined && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    let logged = false;
    const log = (): void => {
      if (logged) return;
      logged = true;
      logger.info('request completed', {
        requestId,
        method: req.method,
        path: req.route?.path ?? req.path,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ...(res.locals.logFields as LogFields | undefined),
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    };
    res.once('finish', log);
    res.once('close', log);
    next();
  };
}

/**
 * Runs the rest of the chain inside the request's log context, so every line a use case or provider adapter
 * writes carries the request id. Placed after body parsing, whose stream callbacks would lose the context.
 */
export function logContextScope(): RequestHandler {
  return (_req, res, next) => logContext.run({ requestId: requestIdOf(res) }, next);
}
