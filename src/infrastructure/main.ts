import 'reflect-metadata';
import { RedisGuardStore } from '../adapters/guards/redis-guard-store.js';
import type { GuardStore } from '../application/ports/guard-store.js';
import { TOKENS } from '../application/tokens.js';
import { ConfigError, loadConfig } from './config.js';
import { buildContainer, closeContainer } from './container.js';
import { createHttpApp } from './http-app.js';
import { createLogger } from './logger.js';
import { handleShutdownSignals, listen } from './server.js';
import { readServiceIdentity } from './service-identity.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { error: reason instanceof Error ? reason.stack : String(reason) });
  });
  if (config.apiKeys.length === 0 && config.nodeEnv === 'production') {
    logger.warn('API_KEYS is not set: anyone who reaches this service can send messages at your expense');
  }
  if (config.providerDefaulted) {
    logger.warn('SERVICE_PROVIDER is not set: using the sandbox, which sends nothing');
  }
  const container = buildContainer(config, () => logger);
  const identity = readServiceIdentity();
  let shuttingDown = false;
  const app = createHttpApp(container, identity, () => shuttingDown);
  const guardStore = container.get<GuardStore>(TOKENS.GuardStore);
  if (guardStore instanceof RedisGuardStore && !(await guardStore.whenReady(2000))) {
    logger.warn('starting without the guard store: sends are refused until Redis answers, unless GUARDS_FAIL_OPEN=true');
  }
  const running = await listen(app, config.httpPort).catch((error: unknown) => {
    if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(`${error.message} (another program listens on port ${config.httpPort}: stop it, or choose another port with HTTP_PORT)`);
  });
  logger.info('listening', { port: running.port, provider: config.provider, version: identity.version });
  handleShutdownSignals({
    logger,
    beginShutdown: () => {
      shuttingDown = true;
    },
    close: async () => {
      // Readiness already answers 503: give load balancers time to notice before the listener closes.
      if (config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
      await running.close(config.providerTimeoutMs + 5000);
      await closeContainer(container);
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
