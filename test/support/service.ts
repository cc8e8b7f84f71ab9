import type { Container } from 'inversify';
import { loadConfig } from '../../src/infrastructure/config.js';
import { buildContainer, closeContainer, type ContainerOverrides } from '../../src/infrastructure/container.js';
import { createHttpApp } from '../../src/infrastructure/http-app.js';
import { listen, type RunningServer } from '../../src/infrastructure/server.js';
import { captureLogs } from './log-capture.js';

export const TEST_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const TEST_AUTH_TOKEN = 'e2e-twilio-auth-token';

export interface RunningService {
  readonly url: string;
  readonly container: Container;
  readonly server: RunningServer;
  /** Everything the service logged, as an operator would read it. */
  logs(): string;
  beginShutdown(): void;
  close(): Promise<void>;
}

// Suites that do not test the guards switch the rate limit and the per-receiver back-off off; the guard suites
// set them as they need.
const GUARDS_OFF = { RATE_LIMIT_ENABLED: 'false', EXPONENTIAL_DELAY_RESET_AFTER: '0' };

/** The real app, container included, listening on a random loopback port, configured from `env`. */
export async function startService(env: Record<string, string>, overrides: ContainerOverrides = {}): Promise<RunningService> {
  const config = loadConfig({ LOG_LEVEL: 'debug', ...GUARDS_OFF, ...env });
  const { logger, output } = captureLogs(config.logLevel);
  const container = buildContainer(config, () => logger, overrides);
  let shuttingDown = false;
  const app = createHttpApp(container, { name: 'sms-service-under-test', version: '0.0.0-test' }, () => shuttingDown);
  const server = await listen(app, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${server.port}`,
    container,
    server,
    logs: output,
    beginShutdown: () => {
      shuttingDown = true;
    },
    close: async () => {
      await server.close(1000);
      await closeContainer(container);
    },
  };
}

/** Environment for the Twilio adapter talking to an emulator. */
export function twilioEnv(emulatorUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SERVICE_PROVIDER: 'twilio',
    TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    TWILIO_BASE_URL: emulatorUrl,
    ...extra,
  };
}

