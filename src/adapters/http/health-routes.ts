import { strictRouter } from './strict-router.js';
import { sendError } from './error-middleware.js';

export interface ServiceIdentity {
  readonly name: string;
  readonly version: string;
}

/** A provider's circuit breaker as the check-up reports it. */
export interface ProviderCircuitView {
  readonly provider: string;
  readonly state: string;
}

/**
 * Liveness, readiness and a check-up, all open. Readiness turns 503 once shutdown has begun. The check-up adds
 * each provider's circuit state (closed, open, half-open).
 */
export function healthRoutes(identity: ServiceIdentity, isShuttingDown: () => boolean, circuits: readonly ProviderCircuitView[] = []) {
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
    const providers = Object.fromEntries(circuits.map((circuit) => [circuit.provider, { circuit: circuit.state }]));
    res.json({ ...ok, providers });
  });
  return router;
}
