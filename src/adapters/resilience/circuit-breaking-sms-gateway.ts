import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { Logger } from '../../application/ports/logger.js';
import {
  MessageRejectedError,
  ProviderAuthenticationError,
  ProviderUnavailableError,
  SmsGatewayError,
  type SendOptions,
  type SmsGateway,
  type SmsReceipt,
} from '../../application/ports/sms-gateway.js';
import type { Sms } from '../../domain/sms.js';

export interface CircuitSettings {
  /** Consecutive unavailability failures that open the circuit. */
  readonly failures: number;
  /** How long it stays open before one trial call is let through. */
  readonly cooldownMs: number;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * Stops calling a provider that keeps failing (cockatiel's circuit breaker): after `failures` consecutive
 * unavailability failures (unreachable, 5xx, 429 after retries, timeouts) calls fail at once for `cooldownMs`,
 * then one trial goes through. A rejected message or refused credentials say nothing of availability.
 */
export class CircuitBreakingSmsGateway implements SmsGateway {
  private readonly breaker: CircuitBreakerPolicy;

  constructor(
    private readonly inner: SmsGateway,
    private readonly settings: CircuitSettings,
    logger: Logger,
  ) {
    this.breaker = circuitBreaker(handleWhen(countsAgainstAvailability), {
      halfOpenAfter: settings.cooldownMs,
      breaker: new ConsecutiveBreaker(settings.failures),
    });
    this.breaker.onBreak(() => logger.warn('circuit opened: provider calls stop', { provider: inner.provider, cooldownMs: settings.cooldownMs }));
    this.breaker.onHalfOpen(() => logger.info('circuit half-open: one trial call', { provider: inner.provider }));
    this.breaker.onReset(() => logger.info('circuit closed: provider calls resume', { provider: inner.provider }));
  }

  get provider(): string {
    return this.inner.provider;
  }

  get state(): CircuitStateName {
    return STATE_NAMES[this.breaker.state];
  }

  async send(sms: Sms, options?: SendOptions): Promise<SmsReceipt> {
    try {
      return await this.breaker.execute(() => this.inner.send(sms, options));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new ProviderUnavailableError(
          this.provider,
          `${this.provider} is not called: its circuit is open after ${this.settings.failures} consecutive failures`,
          { providerCode: 'CIRCUIT_OPEN' },
        );
      }
      throw error;
    }
  }
}

function countsAgainstAvailability(error: Error): boolean {
  return error instanceof SmsGatewayError && !(error instanceof MessageRejectedError) && !(error instanceof ProviderAuthenticationError);
}
