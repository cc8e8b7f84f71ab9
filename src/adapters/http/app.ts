import express, { type Express } from 'express';
import helmet from 'helmet';
import type { IdempotentExecution } from '../../application/idempotency/idempotent-execution.js';
import type { Logger } from '../../application/ports/logger.js';
import type { Outbox } from '../../application/ports/outbox.js';
import type { PreviewSegments } from '../../application/preview-segments.js';
import type { SendSms } from '../../application/send-sms.js';
import { requireApiKey } from './api-keys.js';
import { httpMetrics, metricsRoutes, type HttpMetrics } from './metrics-routes.js';
import { documentationRoutes } from './documentation-routes.js';
import { errorMiddleware } from './error-middleware.js';
import { healthRoutes, type ProviderCircuitView, type ServiceIdentity } from './health-routes.js';
import { HttpError } from './http-error.js';
import { requestLogging } from './request-context.js';
import { sandboxRoutes } from './sandbox-routes.js';
import { segmentsRoute } from './segments-route.js';
import { sendRoute } from './send-route.js';

export interface AppDependencies {
  readonly sendSms: SendSms;
  readonly previewSegments: PreviewSegments;
  readonly idempotency: IdempotentExecution;
  /** Each provider's circuit breaker, for the check-up. */
  readonly circuits: readonly ProviderCircuitView[];
  readonly logger: Logger;
  readonly identity: ServiceIdentity;
  /** True once shutdown has begun: readiness then answers 503. */
  readonly isShuttingDown: () => boolean;
  /** Present when the sandbox is the provider. */
  readonly outbox?: Outbox;
  /** API keys required on /send, /segments and /sandbox data; none: open. */
  readonly apiKeys: readonly string[];
  readonly metrics: HttpMetrics;
  /** Express's `trust proxy` setting. */
  readonly trustProxy: boolean | number | string;
}

/** The Express application: routes, the error shape and request logs. Listening is the caller's business. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.trustProxy);
  app.use(requestLogging(deps.logger));
  // helmet's defaults minus upgrade-insecure-requests, which sends the pages' assets to https on any plain-HTTP host but loopback.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(httpMetrics(deps.metrics));
  if (deps.apiKeys.length > 0) app.use(['/send', '/segments', '/sandbox/messages'], requireApiKey(deps.apiKeys));
  // The hot route first: every router before it costs each request a pass through its routes.
  app.use(sendRoute(deps));
  app.use(segmentsRoute(deps.previewSegments));
  app.use(healthRoutes(deps.identity, deps.isShuttingDown, deps.circuits));
  app.use(metricsRoutes(deps.metrics));
  app.use(documentationRoutes(deps.identity.version, deps.apiKeys.length > 0));
  if (deps.outbox !== undefined) app.use(sandboxRoutes(deps.outbox));
  app.use((req, _res, next) => {
    next(new HttpError(404, `route ${req.method} ${req.path} not found`));
  });
  app.use(errorMiddleware(deps.logger));
  return app;
}
