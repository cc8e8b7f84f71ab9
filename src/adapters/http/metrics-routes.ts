import type { RequestHandler } from 'express';
import type { Histogram, Registry } from 'prom-client';
import { strictRouter } from './strict-router.js';

export interface HttpMetrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
}

/** Times every request, labelled by the route's pattern (never the raw path) and its status. */
export function httpMetrics(metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const route = typeof req.route?.path === 'string' ? req.route.path : 'unmatched';
      stop({ method: req.method, route, status_code: String(res.statusCode) });
    });
    next();
  };
}

/** `GET /-/metrics` in Prometheus' text format. Open, like the health routes. */
export function metricsRoutes(metrics: HttpMetrics) {
  const router = strictRouter();
  router.get('/-/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
