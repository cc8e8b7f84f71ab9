import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { HttpError } from './http-error.js';

const MESSAGE = 'a valid API key is required: send it as Authorization: Bearer <key> or X-API-Key: <key>';

/** The caller the request's API key names ("open" when no keys are configured); scopes idempotency keys. */
export function apiClientOf(res: Response): string {
  return typeof res.locals.apiClient === 'string' ? res.locals.apiClient : 'open';
}

/**
 * Requires one of `keys` in `Authorization: Bearer` or `X-API-Key`. Keys are compared as SHA-256 digests with
 * timingSafeEqual, every configured key every time, so the answer's timing tells nothing about any key. The
 * caller is then known by a digest of its key, never the key itself.
 */
export function requireApiKey(keys: readonly string[]): RequestHandler {
  const digests = keys.map((key) => createHash('sha256').update(key).digest());
  return (req, res, next) => {
    const offered = offeredKey(req.get('authorization'), req.get('x-api-key'));
    if (offered !== undefined) {
      const digest = createHash('sha256').update(offered).digest();
      let match = -1;
      digests.forEach((known, index) => {
        if (timingSafeEqual(known, digest) && match === -1) match = index;
      });
      if (match !== -1) {
        res.locals.apiClient = `key-${digest.toString('hex').slice(0, 12)}`;
        next();
        return;
      }
    }
    next(new HttpError(401, MESSAGE, { 'WWW-Authenticate': 'Bearer' }));
  };
}

function offeredKey(authorization: string | undefined, apiKey: string | undefined): string | undefined {
  const bearer = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
  return bearer ?? (apiKey === undefined || apiKey === '' ? undefined : apiKey);
}
