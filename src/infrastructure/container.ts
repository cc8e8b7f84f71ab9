import { Container } from 'inversify';
import { createApp } from '../adapters/http/app.js';
import type { ServiceIdentity } from '../adapters/http/health-routes.js';
import { KaleyraSmsGateway } from '../adapters/kaleyra/kaleyra-sms-gateway.js';
import { SandboxSmsGateway } from '../adapters/sandbox/sandbox-sms-gateway.js';
import { TwilioSmsGateway } from '../adapters/twilio/twilio-sms-gateway.js';
import { systemClock, type Clock } from '../application/ports/clock.js';
import type { Logger } from '../application/ports/logger.js';
import type { Outbox } from '../application/ports/outbox.js';
import type { SmsGateway } from '../application/ports/sms-gateway.js';
import { PreviewSegments } from '../application/preview-segments.js';
import { SendSms } from '../application/send-sms.js';
import { TOKENS } from '../application/tokens.js';
import type { Config } from './config.js';

/** Stand-ins a test or a batch job may supply instead of the configured ones. */
export interface ContainerOverrides {
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly gateway?: SmsGateway;
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
    .bind<SendSms>(TOKENS.SendSms)
    .toDynamicValue(
      () =>
        new SendSms(
          container.get<SmsGateway>(TOKENS.SmsGateway),
          container.get<Clock>(TOKENS.Clock),
          container.get<Logger>(TOKENS.Logger),
          { smartEncoding: config.smartEncoding, maxSegments: config.maxSegments },
        ),
    )
    .inSingletonScope();
  container
    .bind<PreviewSegments>(TOKENS.PreviewSegments)
    .toConstantValue(new PreviewSegments({ smartEncoding: config.smartEncoding }));
  return container;
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
