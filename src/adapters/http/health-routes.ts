import { strictRouter } from './strict-router.js';
import { sendError } from './error-middleware.js';

export interface ServiceIdentity {
  readonly name: string;
  readonly version: string;
}

/** Liveness, readiness and a check-up, all open. Readiness turns 503 once shutdown has begun. */
export function healthRoutes(identity: ServiceIdentity, isShuttingDown: () => boolean) {
  const router = strictRouter();
  const ok = { status: 'OK', name: identity.name, version: identity.version };
  router.get('/-/healthz', (_req, res) => {
    res.json(ok);
  });
  router.get('/-/ready', (_req, res) => {
    if (isShuttingDown()) sendError(res, 503, 'the service is shutting down');
    else res.json(ok);
  });
  router.get('/-/check-up', (_req, res) => {
    res.json(ok);
  });
  return router;
}
