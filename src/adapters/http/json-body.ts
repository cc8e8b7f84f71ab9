import express, { type RequestHandler } from 'express';
import { HttpError } from './http-error.js';

export const MAX_REQUEST_BODY_BYTES = 16 * 1024;

/** Refuses anything but `application/json` (415), then parses it: 413 over 16 KiB, 400 when malformed. */
export function jsonBody(): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const mediaType = (req.get('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      next(new HttpError(415, 'the request body must be JSON, sent with Content-Type: application/json'));
      return;
    }
    next();
  };
  const parse = express.json({ limit: MAX_REQUEST_BODY_BYTES, strict: true, type: () => true });
  return [requireJson, parse];
}

/** Answers 405 with the Allow header for a known path asked with another method. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    next(
      new HttpError(405, `method ${req.method} is not allowed on ${req.path}; use ${allowed.join(', ')}`, {
        Allow: allowed.join(', '),
      }),
    );
  };
}
