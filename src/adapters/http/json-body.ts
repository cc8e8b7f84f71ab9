import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { HttpError } from './http-error.js';

export const MAX_REQUEST_BODY_BYTES = 16 * 1024;

const UNSUPPORTED = 'the request body must be UTF-8 JSON, sent with Content-Type: application/json';

/**
 * Refuses anything but UTF-8 `application/json` without Content-Encoding (415), then parses it: 413 over 16 KiB,
 * 400 when it is not UTF-8 or not JSON. Any JSON value parses; the schema then says what it must be.
 */
export function jsonBody(): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const [mediaType, ...parameters] = (req.get('content-type') ?? '').split(';').map((part) => part.trim().toLowerCase());
    const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
    if (mediaType !== 'application/json' || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
      next(new HttpError(415, UNSUPPORTED));
      return;
    }
    next();
  };
  const parse = express.json({
    limit: MAX_REQUEST_BODY_BYTES,
    strict: false,
    // No gzip or deflate: a 16 KiB body gains nothing, and a decompression error is one more failure mode.
    inflate: false,
    type: () => true,
    verify: (_req, _res, buffer) => {
      if (!isUtf8(buffer)) throw new HttpError(400, 'the request body is not valid UTF-8');
    },
  });
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
