/**
 * `npm run bench:soak`: 300,000 requests at a fixed rate (1,000/s) against the service (Twilio adapter → emulator
 * at 0 ms), every one with its own Idempotency-Key, receivers cycling through 100,000 numbers. After every 30,000
 * it forces a full GC in the service and prints RSS and heap; it fails when the heap after the last third is
 * more than 10 % above the heap after the first third, or on any error (a leak in the idempotency store, the
 * guard counters or the logger would show there). `--provider sandbox` runs the same against the sandbox, whose
 * outbox is then the structure under test. Options: --requests N, --rate R, --provider twilio|sandbox.
 *
 * Windows are shortened so that every bounded structure reaches its steady state within the first third:
 * IDEMPOTENCY_TTL=10s and EXPONENTIAL_DELAY_RESET_AFTER=10 (with the defaults, 24 h and 120 s, the same
 * structures fill for longer, up to their bounds, then stay flat).
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { freePort, receivers, ROOT, startEmulatorProcess, startProcess, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN } from './support.js';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '300000' }, rate: { type: 'string', default: '1000' }, provider: { type: 'string', default: 'twilio' } },
});
const SANDBOX = values.provider === 'sandbox';
const TOTAL = Number(values.requests);
const RATE = Number(values.rate);
const CHUNK = Math.max(1, Math.round(TOTAL / 10));

execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
const emulator = await startEmulatorProcess(0);
const port = await freePort();
const service = await startProcess(
  ['--expose-gc', '--import', './bench/soak-preload.mjs', 'dist/infrastructure/main.js'],
  {
    ...(SANDBOX ? { SERVICE_PROVIDER: 'sandbox' } : { SERVICE_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_BASE_URL: emulator.url }),
    HTTP_PORT: String(port),
    LOG_LEVEL: 'info',
    RATE_LIMIT_MAX_REQUESTS: '1000000000',
    EXPONENTIAL_DELAY_RESET_AFTER: '10',
    IDEMPOTENCY_TTL: '10s',
  },
  port,
  '/-/ready',
  '/dev/null',
);

async function memory(): Promise<{ rssMb: number; heapMb: number }> {
  service.child.kill('SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const text = await (await fetch(`${service.url}/-/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 1024 / 1024;
  return { rssMb: read('process_resident_memory_bytes'), heapMb: read('nodejs_heap_size_used_bytes') };
}

const next = receivers(100_000);
let keys = 0;
const heaps: number[] = [];
let errors = 0;
try {
  console.log(`soak: ${TOTAL} requests at ${RATE}/s, a reading every ${CHUNK}`);
  console.log('requests   RSS MB   heap MB   req/s  errors');
  for (let done = 0; done < TOTAL; done += CHUNK) {
    const result = await autocannon({
      url: `${service.url}/send`,
      connections: 50,
      amount: Math.min(CHUNK, TOTAL - done),
      overallRate: RATE,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => ({
            ...request,
            headers: { 'content-type': 'application/json', 'idempotency-key': `soak-${++keys}` },
            body: JSON.stringify({ sender: 'ACME', receiver: next(), body: 'Your code is 123456' }),
          }),
        },
      ],
    });
    errors += result.errors + result.timeouts + result.non2xx;
    const { rssMb, heapMb } = await memory();
    heaps.push(heapMb);
    console.log(`${String(done + Math.min(CHUNK, TOTAL - done)).padStart(8)} ${rssMb.toFixed(1).padStart(8)} ${heapMb.toFixed(1).padStart(9)} ${result.requests.average.toFixed(0).padStart(7)} ${String(result.errors + result.timeouts + result.non2xx).padStart(7)}`);
  }
} finally {
  await service.stop();
  await emulator.stop();
}
const third = Math.max(1, Math.floor(heaps.length / 3));
const average = (list: number[]) => list.reduce((sum, value) => sum + value, 0) / list.length;
const first = average(heaps.slice(0, third));
const last = average(heaps.slice(-third));
const growth = (last - first) / first;
console.log(`heap after the first third ${first.toFixed(1)} MB, after the last third ${last.toFixed(1)} MB: ${(growth * 100).toFixed(1)} % (limit 10 %); errors ${errors}`);
const flat = growth <= 0.1 && errors === 0;
console.log(flat ? 'soak: OK' : 'soak: FAILED');
process.exitCode = flat ? 0 : 1;
