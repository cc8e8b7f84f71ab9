import { Container } from 'inversify';
import { KaleyraSmsGateway } from '../adapters/kaleyra/kaleyra-sms-gateway.js';
import { InMemoryGuardStore } from '../adapters/guards/in-memory-guard-store.js';
import { RedisGuardStore } from '../adapters/guards/redis-guard-store.js';
import { callingCodeOf } from '../adapters/numbering-plan/calling-codes.js';
import { SandboxSmsGateway } from '../adapters/sandbox/sandbox-sms-gateway.js';
import { TwilioSmsGateway } from '../adapters/twilio/twilio-sms-gateway.js';
import { MeteredSmsGateway } from '../adapters/metrics/metered-sms-gateway.js';
import { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics.js';
import type { SendMetrics } from '../application/ports/metrics.js';
import { CircuitBreakingSmsGateway } from '../adapters/resilience/circuit-breaking-sms-gateway.js';
import { InMemoryIdempotencyStore } from '../adapters/idempotency/in-memory-idempotency-store.js';
import { RedisIdempotencyStore } from '../adapters/idempotency/redis-idempotency-store.js';
import { BalanceCheckedSmsGateway } from '../application/guards/balance-checked-sms-gateway.js';
import { BalanceGuard } from '../application/guards/balance-guard.js';
import { IdempotentExecution } from '../application/idempotency/idempotent-execution.js';
import type { IdempotencyStore } from '../application/ports/idempotency-store.js';
import { FailoverSmsGateway } from '../application/resilience/failover-sms-gateway.js';
import { RetryingSmsGateway } from '../application/resilience/retrying-sms-gateway.js';
import { SenderId } from '../domain/sender-id.js';
import type { Redis } from 'ioredis';
import { DestinationPolicy } from '../application/guards/destination-policy.js';
import { SendGuards } from '../application/guards/send-guards.js';
import { systemClock, type Clock } from '../application/ports/clock.js';
import type { GuardStore } from '../application/ports/guard-store.js';
import type { ProviderBalance } from '../application/ports/provider-balance.js';
import type { Logger } from '../application/ports/logger.js';
import type { Outbox } from '../application/ports/outbox.js';
import type { SmsGateway } from '../application/ports/sms-gateway.js';
import { PreviewSegments } from '../application/preview-segments.js';
import { SendSms } from '../application/send-sms.js';
import { TOKENS } from '../application/tokens.js';
import type { Config, ProviderName } from './config.js';
import { createRedisClient } from './redis.js';

/** Stand-ins a test or a batch job may supply instead of the configured ones. */
export interface ContainerOverrides {
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly gateway?: SmsGateway;
  readonly guardStore?: GuardStore;
  readonly idempotencyStore?: IdempotencyStore;
}

/** A provider's circuit breaker, as health reports show it. */
export interface ProviderCircuit {
  readonly provider: string;
  readonly state: string;
}

/** The composition root: the only place that knows which adapter backs which port. */
export function buildContainer(config: Config, createLogger: () => Logger, overrides: ContainerOverrides = {}): Container {
  const container = new Container();
  const get = <T>(token: symbol): T => container.get<T>(token);
  container.bind<Config>(TOKENS.Config).toConstantValue(config);
  container.bind<Logger>(TOKENS.Logger).toConstantValue(overrides.logger ?? createLogger());
  container.bind<Clock>(TOKENS.Clock).toConstantValue(overrides.clock ?? systemClock);
  const circuits: CircuitBreakingSmsGateway[] = [];
  container.bind<readonly ProviderCircuit[]>(TOKENS.ProviderCircuits).toConstantValue(circuits);
  const metrics = new PrometheusMetrics(() => circuits);
  container.bind<PrometheusMetrics>(TOKENS.Metrics).toConstantValue(metrics);
  container
    .bind<SmsGateway>(TOKENS.SmsGateway)
    .toDynamicValue(() => overrides.gateway ?? createGateway(config, get<Clock>(TOKENS.Clock), get<Logger>(TOKENS.Logger), circuits, metrics))
    .inSingletonScope();
  if (config.provider === 'sandbox' && overrides.gateway === undefined) {
    container.bind<Outbox>(TOKENS.Outbox).toDynamicValue(() => get<SmsGateway>(TOKENS.SmsGateway) as SandboxSmsGateway);
  }
  // One Redis connection for every shared store; none without REDIS_URL.
  container
    .bind<Redis | undefined>(TOKENS.Redis)
    .toDynamicValue(() => (config.guards.redisUrl === undefined ? undefined : createRedisClient(config.guards.redisUrl, get<Logger>(TOKENS.Logger))))
    .inSingletonScope();
  container
    .bind<GuardStore>(TOKENS.GuardStore)
    .toDynamicValue(() => overrides.guardStore ?? createGuardStore(config, get<Redis | undefined>(TOKENS.Redis)))
    .inSingletonScope();
  container
    .bind<IdempotencyStore>(TOKENS.IdempotencyStore)
    .toDynamicValue(() => {
      if (overrides.idempotencyStore !== undefined) return overrides.idempotencyStore;
      const redis = get<Redis | undefined>(TOKENS.Redis);
      return redis === undefined ? new InMemoryIdempotencyStore() : new RedisIdempotencyStore(redis, config.guards.redisKeyPrefix);
    })
    .inSingletonScope();
  container
    .bind<IdempotentExecution>(TOKENS.IdempotentExecution)
    .toDynamicValue(
      () =>
        new IdempotentExecution(get<IdempotencyStore>(TOKENS.IdempotencyStore), get<Logger>(TOKENS.Logger), {
          ttlMs: config.idempotencyTtlMs,
          inFlightTtlMs: inFlightTtlMs(config),
        }),
    )
    .inSingletonScope();
  container
    .bind<SendGuards>(TOKENS.SendGuards)
    .toDynamicValue(() => createSendGuards(config, container))
    .inSingletonScope();
  container
    .bind<SendSms>(TOKENS.SendSms)
    .toDynamicValue(
      () =>
        new SendSms(
          get<SmsGateway>(TOKENS.SmsGateway),
          get<Clock>(TOKENS.Clock),
          get<Logger>(TOKENS.Logger),
          { smartEncoding: config.smartEncoding, maxSegments: config.maxSegments },
          get<SendGuards>(TOKENS.SendGuards),
          metrics,
        ),
    )
    .inSingletonScope();
  container
    .bind<PreviewSegments>(TOKENS.PreviewSegments)
    .toConstantValue(new PreviewSegments({ smartEncoding: config.smartEncoding }));
  return container;
}

/** Closes what the container opened: the stores, then their shared Redis connection. */
export async function closeContainer(container: Container): Promise<void> {
  await container.get<GuardStore>(TOKENS.GuardStore).close();
  await container.get<IdempotencyStore>(TOKENS.IdempotencyStore).close();
  container.get<Redis | undefined>(TOKENS.Redis)?.disconnect();
}

/**
 * A claim outlives the longest a request can take (back-off hold, then for every provider a balance call and the
 * whole send budget) with a margin, so it never expires under a running request; a process killed mid-request
 * frees its keys after it.
 */
export function inFlightTtlMs(config: Config): number {
  return config.guards.backoff.maxWaitMs + 2 * config.providers.length * config.providerTimeoutMs + 5_000;
}

function createGuardStore(config: Config, redis: Redis | undefined): GuardStore {
  const settings = { rateLimit: config.guards.rateLimit, backoff: config.guards.backoff };
  if (redis === undefined) return new InMemoryGuardStore(settings);
  return new RedisGuardStore(redis, settings, config.guards.redisKeyPrefix);
}

function createSendGuards(config: Config, container: Container): SendGuards {
  const { guards } = config;
  return new SendGuards(
    container.get<GuardStore>(TOKENS.GuardStore),
    new DestinationPolicy({ allowedCallingCodes: guards.allowedCallingCodes, blockedPrefixes: guards.blockedPrefixes }, { callingCodeOf }),
    container.get<Clock>(TOKENS.Clock),
    container.get<Logger>(TOKENS.Logger),
    {
      rateLimitEnabled: guards.rateLimit.enabled,
      backoffResetAfterMs: guards.backoff.resetAfterMs,
      backoffMaxWaitMs: guards.backoff.maxWaitMs,
      failOpen: guards.failOpen,
    },
  );
}

/**
 * Each provider's chain, innermost first: its adapter, retries of calls it certainly did not take, its circuit
 * breaker (one failure per message, after retries), its balance check. Failover and routing sit over all of them.
 */
function createGateway(config: Config, clock: Clock, logger: Logger, circuits: CircuitBreakingSmsGateway[], metrics: SendMetrics): SmsGateway {
  if (config.provider === 'sandbox') return new SandboxSmsGateway(clock);
  const chains = new Map<string, SmsGateway>();
  for (const name of config.providers) {
    if (name === 'sandbox') continue;
    const adapter = createProviderAdapter(config, name);
    const retrying = new RetryingSmsGateway(new MeteredSmsGateway(adapter, metrics), clock, logger, {
      maxRetries: config.resilience.maxRetries,
      budgetMs: config.providerTimeoutMs,
      baseDelayMs: 100,
      maxDelayMs: 2000,
    });
    const circuit = new CircuitBreakingSmsGateway(
      retrying,
      { failures: config.resilience.circuitFailures, cooldownMs: config.resilience.circuitCooldownMs },
      logger,
    );
    circuits.push(circuit);
    const checkBalance = name === 'twilio' ? config.guards.balanceCheck.twilio : config.guards.balanceCheck.kaleyra;
    chains.set(name, checkBalance && isProviderBalance(adapter) ? new BalanceCheckedSmsGateway(circuit, new BalanceGuard(adapter, clock, logger)) : circuit);
  }
  const senders = new Map(Object.entries(config.senders).map(([name, sender]) => [name, SenderId.parse(sender)]));
  return new FailoverSmsGateway(chains, { primary: config.provider, routes: config.routes, senders }, { callingCodeOf }, logger);
}

function isProviderBalance(gateway: SmsGateway): gateway is SmsGateway & ProviderBalance {
  return typeof (gateway as Partial<ProviderBalance>).fetchBalance === 'function';
}

function createProviderAdapter(config: Config, name: Exclude<ProviderName, 'sandbox'>): SmsGateway {
  if (name === 'twilio') {
    if (config.twilio === undefined) throw new Error('twilio settings missing from a checked config');
    return new TwilioSmsGateway({ ...config.twilio, timeoutMs: config.providerTimeoutMs });
  }
  if (config.kaleyra === undefined) throw new Error('kaleyra settings missing from a checked config');
  return new KaleyraSmsGateway({ ...config.kaleyra, timeoutMs: config.providerTimeoutMs });
}
