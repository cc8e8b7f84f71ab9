import { Container } from 'inversify';
import { createApp } from '../adapters/http/app.js';
import type { ServiceIdentity } from '../adapters/http/health-routes.js';
import { KaleyraSmsGateway } from '../adapters/kaleyra/kaleyra-sms-gateway.js';
import { InMemoryGuardStore } from '../adapters/guards/in-memory-guard-store.js';
import { RedisGuardStore } from '../adapters/guards/redis-guard-store.js';
import { callingCodeOf } from '../adapters/numbering-plan/calling-codes.js';
import { SandboxSmsGateway } from '../adapters/sandbox/sandbox-sms-gateway.js';
import { TwilioSmsGateway } from '../adapters/twilio/twilio-sms-gateway.js';
import { BalanceGuard } from '../application/guards/balance-guard.js';
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
import type { Config } from './config.js';
import { createRedisClient } from './redis.js';

/** Stand-ins a test or a batch job may supply instead of the configured ones. */
export interface ContainerOverrides {
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly gateway?: SmsGateway;
  readonly guardStore?: GuardStore;
}

/** The composition root: the only place that knows which adapter backs which port. */
export function buildContainer(config: Config, createLogger: () => Logger, overrides: ContainerOverrides = {}): Container {
  const container = new Container();
  container.bind<Config>(TOKENS.Config).toConstantValue(config);
  container.bind<Logger>(TOKENS.Logger).toConstantValue(overrides.logger ?? createLogger());
  container.bind<Clock>(TOKENS.Clock).toConstantValue(overrides.clock ?? systemClock);
  container
    .bind<SmsGateway>(TOKENS.SmsGateway)
    .toDynamicValue(() => overrides.gateway ?? createGateway(config, container.get<Clock>(TOKENS.Clock)))
    .inSingletonScope();
  if (config.provider === 'sandbox' && overrides.gateway === undefined) {
    container.bind<Outbox>(TOKENS.Outbox).toDynamicValue(() => container.get<SmsGateway>(TOKENS.SmsGateway) as SandboxSmsGateway);
  }
  container
    .bind<GuardStore>(TOKENS.GuardStore)
    .toDynamicValue(() => overrides.guardStore ?? createGuardStore(config, container.get<Logger>(TOKENS.Logger)))
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
          container.get<SmsGateway>(TOKENS.SmsGateway),
          container.get<Clock>(TOKENS.Clock),
          container.get<Logger>(TOKENS.Logger),
          { smartEncoding: config.smartEncoding, maxSegments: config.maxSegments },
          container.get<SendGuards>(TOKENS.SendGuards),
        ),
    )
    .inSingletonScope();
  container
    .bind<PreviewSegments>(TOKENS.PreviewSegments)
    .toConstantValue(new PreviewSegments({ smartEncoding: config.smartEncoding }));
  return container;
}

function createGuardStore(config: Config, logger: Logger): GuardStore {
  const settings = { rateLimit: config.guards.rateLimit, backoff: config.guards.backoff };
  if (config.guards.redisUrl === undefined) return new InMemoryGuardStore(settings);
  return new RedisGuardStore(createRedisClient(config.guards.redisUrl, logger), settings, config.guards.redisKeyPrefix);
}

function createSendGuards(config: Config, container: Container): SendGuards {
  const { guards } = config;
  const gateway = container.get<SmsGateway>(TOKENS.SmsGateway);
  const clock = container.get<Clock>(TOKENS.Clock);
  const logger = container.get<Logger>(TOKENS.Logger);
  const checkBalance = (config.provider === 'twilio' && guards.balanceCheck.twilio) || (config.provider === 'kaleyra' && guards.balanceCheck.kaleyra);
  const balance = checkBalance && isProviderBalance(gateway) ? new BalanceGuard(gateway, clock, logger) : undefined;
  return new SendGuards(
    container.get<GuardStore>(TOKENS.GuardStore),
    new DestinationPolicy({ allowedCallingCodes: guards.allowedCallingCodes, blockedPrefixes: guards.blockedPrefixes }, { callingCodeOf }),
    balance,
    clock,
    logger,
    {
      rateLimitEnabled: guards.rateLimit.enabled,
      backoffResetAfterMs: guards.backoff.resetAfterMs,
      backoffMaxWaitMs: guards.backoff.maxWaitMs,
      failOpen: guards.failOpen,
    },
  );
}

function isProviderBalance(gateway: SmsGateway): gateway is SmsGateway & ProviderBalance {
  return typeof (gateway as Partial<ProviderBalance>).fetchBalance === 'function';
}

function createGateway(config: Config, clock: Clock): SmsGateway {
  switch (config.provider) {
    case 'twilio':
      if (config.twilio === undefined) throw new Error('twilio settings missing from a checked config');
      return new TwilioSmsGateway({ ...config.twilio, timeoutMs: config.providerTimeoutMs });
    case 'kaleyra':
      if (config.kaleyra === undefined) throw new Error('kaleyra settings missing from a checked config');
      return new KaleyraSmsGateway({ ...config.kaleyra, timeoutMs: config.providerTimeoutMs });
    case 'sandbox':
      return new SandboxSmsGateway(clock);
  }
}

/** Resolves everything once, at start, and builds the HTTP app from it. */
export function createHttpApp(container: Container, identity: ServiceIdentity, isShuttingDown: () => boolean) {
  return createApp({
    sendSms: container.get<SendSms>(TOKENS.SendSms),
    previewSegments: container.get<PreviewSegments>(TOKENS.PreviewSegments),
    logger: container.get<Logger>(TOKENS.Logger),
    identity,
    isShuttingDown,
    outbox: container.isBound(TOKENS.Outbox) ? container.get<Outbox>(TOKENS.Outbox) : undefined,
  });
}
