import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GuardName, SendMetrics } from '../../application/ports/metrics.js';
import type { Encoding } from '../../domain/segments.js';

/** A provider's circuit as the gauge reads it on each scrape. */
export interface CircuitView {
  readonly provider: string;
  readonly state: string;
}

const CIRCUIT_VALUES: Readonly<Record<string, number>> = { closed: 0, 'half-open': 1, open: 2, isolated: 3 };

/**
 * The service's Prometheus metrics, in a registry of its own (prom-client). Every label value is a provider
 * name, an outcome, an encoding, a guard, a route pattern, a status or an error code: never a phone number or
 * a message text.
 */
export class PrometheusMetrics implements SendMetrics {
  readonly registry = new Registry();
  private readonly messages: Counter<'provider' | 'outcome'>;
  private readonly segments: Counter<'provider' | 'encoding'>;
  private readonly guardRefusals: Counter<'guard'>;
  private readonly providerDuration: Histogram<'provider' | 'outcome'>;
  private readonly providerErrors: Counter<'provider' | 'code'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(circuits: () => readonly CircuitView[] = () => []) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.messages = new Counter({ name: 'sms_messages_total', help: 'Messages by provider and outcome (sent, rejected, failed)', labelNames: ['provider', 'outcome'], registers });
    this.segments = new Counter({ name: 'sms_segments_total', help: 'Segments billed, by provider and encoding', labelNames: ['provider', 'encoding'], registers });
    this.guardRefusals = new Counter({ name: 'sms_guard_refusals_total', help: 'Messages refused before any provider call, by guard', labelNames: ['guard'], registers });
    this.providerDuration = new Histogram({
      name: 'sms_provider_request_duration_seconds',
      help: 'Duration of each call to a provider API, by provider and outcome (ok, error)',
      labelNames: ['provider', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.providerErrors = new Counter({ name: 'sms_provider_errors_total', help: 'Failed provider calls, by provider and error code', labelNames: ['provider', 'code'], registers });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: 'sms_circuit_state',
      // The help lists every value from the table itself, so a new state cannot go unexplained.
      help: `Circuit breaker state per provider: ${Object.entries(CIRCUIT_VALUES).map(([state, value]) => `${value} ${state}`).join(', ')}`,
      labelNames: ['provider'],
      registers,
      collect() {
        for (const circuit of circuits()) this.set({ provider: circuit.provider }, CIRCUIT_VALUES[circuit.state] ?? -1);
      },
    });
  }

  messageSent(provider: string, encoding: Encoding, segments: number): void {
    this.messages.inc({ provider, outcome: 'sent' });
    this.segments.inc({ provider, encoding }, segments);
  }

  messageNotSent(provider: string, outcome: 'rejected' | 'failed'): void {
    this.messages.inc({ provider, outcome });
  }

  guardRefused(guard: GuardName): void {
    this.guardRefusals.inc({ guard });
  }

  providerCall(provider: string, seconds: number, errorCode?: string): void {
    this.providerDuration.observe({ provider, outcome: errorCode === undefined ? 'ok' : 'error' }, seconds);
    if (errorCode !== undefined) this.providerErrors.inc({ provider, code: errorCode });
  }
}
