import type { Container } from 'inversify';
import { createApp } from '../adapters/http/app.js';
import type { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics.js';
import type { ServiceIdentity } from '../adapters/http/health-routes.js';
import type { IdempotentExecution } from '../application/idempotency/idempotent-execution.js';
import type { Logger } from '../application/ports/logger.js';
import type { Outbox } from '../application/ports/outbox.js';
import type { PreviewSegments } from '../application/preview-segments.js';
import type { SendSms } from '../application/send-sms.js';
import { TOKENS } from '../application/tokens.js';
import type { Config } from './config.js';
import type { ProviderCircuit } from './container.js';

/** Resolves everything once, at start, and builds the HTTP app from it. */
export function createHttpApp(container: Container, identity: ServiceIdentity, isShuttingDown: () => boolean) {
  const config = container.get<Config>(TOKENS.Config);
  return createApp({
    apiKeys: config.apiKeys,
    metrics: container.get<PrometheusMetrics>(TOKENS.Metrics),
    trustProxy: config.trustProxy,
    sendSms: container.get<SendSms>(TOKENS.SendSms),
    previewSegments: container.get<PreviewSegments>(TOKENS.PreviewSegments),
    idempotency: container.get<IdempotentExecution>(TOKENS.IdempotentExecution),
    circuits: container.get<readonly ProviderCircuit[]>(TOKENS.ProviderCircuits),
    logger: container.get<Logger>(TOKENS.Logger),
    identity,
    isShuttingDown,
    outbox: container.isBound(TOKENS.Outbox) ? container.get<Outbox>(TOKENS.Outbox) : undefined,
  });
}
