import { parseArgs } from 'node:util';
import { startEmulator } from './provider-emulator.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.EMULATOR_PORT ?? '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    latency: { type: 'string', default: process.env.EMULATOR_LATENCY_MS ?? '0' },
  },
});

const emulator = await startEmulator({
  port: Number(values.port),
  host: values.host,
  latencyMs: Number(values.latency),
});
process.stdout.write(
  [
    `provider emulator listening on ${emulator.url} (latency ${values.latency} ms)`,
    `  Twilio:  POST ${emulator.url}/2010-04-01/Accounts/{AccountSid}/Messages.json`,
    `  Kaleyra: POST ${emulator.url}/v1/{sid}/messages`,
    `  control: GET ${emulator.url}/__emulator/calls, POST /__emulator/faults, /__emulator/latency, /__emulator/reset`,
    '',
  ].join('\n'),
);
const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
