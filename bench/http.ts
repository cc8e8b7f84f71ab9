/**
 * `npm run bench`: the service against the floor (bench/floor-server.ts), side by side, in one run on one
 * machine. Both call the provider emulator (its own process) at 0 ms and at 20 ms of provider latency:
 * - closed loop under 10, 100 and 500 connections (autocannon): requests/s, p50/p99/max latency, errors, peak
 *   RSS and CPU per request, and the service/floor ratios;
 * - a fixed rate below saturation (100 connections, 20 ms): the latency the service adds to a request when it is
 *   not queueing behind others.
 * Writes bench/results/latest.json. Under 3 minutes.
 * Options: --duration S (default 8 per run), --rate R (fixed-rate run, default 400/s), --stack (also measure the
 * chosen libraries alone, bench/stack-server.ts), --quick (one connection level, 1 s runs: a smoke test),
 * --out FILE.
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuMs, freePort, receivers, ROOT, sampleRss, startEmulatorProcess, startProcess, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, type Started } from './support.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    rate: { type: 'string', default: '400' },
    stack: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const QUICK = values.quick === true;
const DURATION = QUICK ? 1 : Number(values.duration);
const FIXED_RATE = Number(values.rate);
const CONNECTIONS = QUICK ? [10] : [10, 100, 500];
const LATENCIES = [0, 20];

type Target = 'floor' | 'stack' | 'service';

interface Measure {
  readonly target: Target;
  readonly latencyMs: number;
  readonly connections: number;
  /** Requests per second asked for; absent for a closed loop (as fast as answers come). */
  readonly fixedRate?: number;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
  readonly peakRssMb: number;
  /** CPU time of the target process (every thread) per answered request, in microseconds. */
  readonly cpuUsPerRequest: number;
}

// One sequence for the whole bench: no receiver gets a second message, so the back-off never holds one.
const next = receivers();

async function load(started: Started, target: Target, latencyMs: number, connections: number, fixedRate?: number): Promise<Measure> {
  const rss = sampleRss(started.child.pid);
  const cpuBefore = cpuMs(started.child.pid);
  const result = await autocannon({
    url: `${started.url}/send`,
    connections,
    duration: DURATION,
    ...(fixedRate === undefined ? {} : { overallRate: fixedRate }),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ sender: 'ACME', receiver: next(), body: 'Your code is 123456' }) }),
      },
    ],
  });
  const cpu = cpuMs(started.child.pid) - cpuBefore;
  return {
    target,
    latencyMs,
    connections,
    ...(fixedRate === undefined ? {} : { fixedRate }),
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
    peakRssMb: rss.stop(),
    cpuUsPerRequest: result.requests.total > 0 ? (cpu * 1000) / result.requests.total : 0,
  };
}

function print(measure: Measure): void {
  const mode = measure.fixedRate === undefined ? String(measure.connections) : `${measure.connections}@${measure.fixedRate}/s`;
  console.log(
    `${measure.target.padEnd(8)} ${`${measure.latencyMs} ms`.padStart(7)} ${mode.padStart(10)} ${measure.requestsPerSecond.toFixed(0).padStart(8)} ${measure.p50.toFixed(0).padStart(6)} ${measure.p99.toFixed(0).padStart(6)} ${measure.max.toFixed(0).padStart(6)} ${String(measure.errors).padStart(7)} ${measure.peakRssMb.toFixed(0).padStart(6)} MB ${measure.cpuUsPerRequest.toFixed(0).padStart(6)} µs`,
  );
}

execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
const logs = mkdtempSync(join(tmpdir(), 'sms-bench-'));
const emulator = await startEmulatorProcess(0);
const targets = new Map<Target, Started>();
const floorPort = await freePort();
targets.set('floor', await startProcess(['--import', 'tsx', 'bench/floor-server.ts', String(floorPort), emulator.url], {}, floorPort, '/'));
if (values.stack === true) {
  const stackPort = await freePort();
  targets.set('stack', await startProcess(['--import', 'tsx', 'bench/stack-server.ts', String(stackPort), emulator.url], {}, stackPort, '/'));
}
const servicePort = await freePort();
targets.set(
  'service',
  await startProcess(
    ['dist/infrastructure/main.js'],
    {
      NODE_ENV: 'production',
      SERVICE_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN,
      TWILIO_BASE_URL: emulator.url,
      HTTP_PORT: String(servicePort),
      LOG_LEVEL: 'info',
      // Production defaults for every guard, but the global rate limit out of the way of the load.
      RATE_LIMIT_MAX_REQUESTS: '1000000000',
      API_KEYS: '',
    },
    servicePort,
    '/-/ready',
    join(logs, 'service.log'),
  ),
);

const measures: Measure[] = [];
try {
  console.log(
    `bench: ${DURATION} s per run, connections ${CONNECTIONS.join('/')}, provider latency ${LATENCIES.join('/')} ms, then ${FIXED_RATE}/s at 100 connections; service logs at info to ${join(logs, 'service.log')}`,
  );
  console.log('target   latency      conns    req/s    p50    p99    max  errors  peak RSS  CPU/req');
  for (const started of targets.values()) await autocannon({ url: `${started.url}/`, connections: 10, duration: 1 }); // warm-up
  for (const latencyMs of LATENCIES) {
    await emulator.setLatency(latencyMs);
    for (const connections of CONNECTIONS) {
      for (const [target, started] of targets) {
        const measure = await load(started, target, latencyMs, connections);
        measures.push(measure);
        print(measure);
      }
    }
  }
  if (!QUICK) {
    await emulator.setLatency(20);
    for (const [target, started] of targets) {
      const measure = await load(started, target, 20, 100, FIXED_RATE);
      measures.push(measure);
      print(measure);
    }
  }
} finally {
  for (const started of targets.values()) await started.stop();
  await emulator.stop();
}

const find = (target: Target, latencyMs: number, connections: number, fixedRate?: number) =>
  measures.find((m) => m.target === target && m.latencyMs === latencyMs && m.connections === connections && m.fixedRate === fixedRate);
const ratios = measures
  .filter((m) => m.target !== 'floor')
  .map((m) => {
    const base = find('floor', m.latencyMs, m.connections, m.fixedRate) as Measure;
    return {
      target: m.target,
      latencyMs: m.latencyMs,
      connections: m.connections,
      ...(m.fixedRate === undefined ? {} : { fixedRate: m.fixedRate }),
      throughput: m.requestsPerSecond / base.requestsPerSecond,
      p99: m.p99 / Math.max(1, base.p99),
      p99DeltaMs: m.p99 - base.p99,
      cpu: m.cpuUsPerRequest / Math.max(1, base.cpuUsPerRequest),
    };
  });
console.log('\nagainst the floor: target  latency      conns  throughput  p99 ratio   p99 Δ  CPU ratio');
for (const r of ratios) {
  const mode = r.fixedRate === undefined ? String(r.connections) : `${r.connections}@${r.fixedRate}/s`;
  console.log(
    `${r.target.padStart(26)} ${`${r.latencyMs} ms`.padStart(8)} ${mode.padStart(10)} ${r.throughput.toFixed(2).padStart(11)} ${r.p99.toFixed(2).padStart(10)} ${`${r.p99DeltaMs >= 0 ? '+' : ''}${r.p99DeltaMs.toFixed(0)} ms`.padStart(7)} ${r.cpu.toFixed(2).padStart(10)}`,
  );
}

const serviceAt = (latencyMs: number, fixedRate?: number) =>
  ratios.find((r) => r.target === 'service' && r.latencyMs === latencyMs && r.connections === 100 && r.fixedRate === fixedRate);
const results = QUICK
  ? { producedResults: measures.length === LATENCIES.length * CONNECTIONS.length * targets.size }
  : {
      throughputAt100Connections0msAtLeast0_6OfFloor: (serviceAt(0)?.throughput ?? 0) >= 0.6,
      p99At100Connections20msWithin5msOfFloor: (serviceAt(20)?.p99DeltaMs ?? Infinity) <= 5,
      p99AtFixedRate20msWithin5msOfFloor: (serviceAt(20, FIXED_RATE)?.p99DeltaMs ?? Infinity) <= 5,
      noErrors: measures.every((m) => m.errors === 0),
    };
console.log(`targets: ${Object.entries(results).map(([name, met]) => `${name} ${met ? 'OK' : 'MISSED'}`).join(', ')}`);
const out = values.out ?? join(ROOT, 'bench/results/latest.json');
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, durationSeconds: DURATION, fixedRate: FIXED_RATE, measures, ratios, targets: results }, null, 2)}\n`,
);
console.log(`results: ${out}`);
process.exitCode = Object.values(results).every(Boolean) ? 0 : 1;
