/**
 * Measures `sms-batch send` against the provider emulator on loopback with 20 ms provider latency, in one run:
 *   1. throughput and peak RSS sending a 200,000-row CSV file with enough concurrency;
 *   2. how closely `--rate` is held over a 20 s run.
 * `npm run bench:batch` (about 4 minutes). Options: --rows N, --rate R, --rate-seconds S, --concurrency C.
 * Results are printed and written to bench/results/batch-latest.json. Peak RSS is read from /proc (Linux).
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator, type Emulator } from '../emulator/provider-emulator.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    rate: { type: 'string', default: '500' },
    'rate-seconds': { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '64' },
  },
});
const ROWS = Number(values.rows);
const RATE = Number(values.rate);
const RATE_ROWS = Math.round(RATE * Number(values['rate-seconds']));
const CONCURRENCY = Number(values.concurrency);
const LATENCY_MS = 20;
const ROOT = new URL('..', import.meta.url).pathname;
// What `npm run batch` runs: the launcher with the V8 flags of its first line, which after the build below runs
// the built JavaScript.
const ENTRY = 'bin/sms-batch.js';
const NODE_FLAGS = (readFileSync(join(ROOT, ENTRY), 'utf8').split('\n', 1)[0] ?? '').split(' ').filter((word) => word.startsWith('--'));

const work = mkdtempSync(join(tmpdir(), 'sms-bench-batch-'));

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('receiver,body,id\n');
  for (let i = 0; i < rows; i++) {
    const body = i % 10 === 0 ? `Ihr Termin am ${i % 28}. ist bestätigt – bis bald! 😀` : `Your code is ${String(i).padStart(6, '0')}, valid 10 minutes`;
    if (!out.write(`+1555${String(i).padStart(7, '0')},"${body}",row-${i}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

interface Run {
  readonly wallSeconds: number;
  readonly peakRssMb: number;
  readonly status: number | null;
  readonly stdout: string;
}

/** Runs the command with the emulator's credentials, sampling its peak RSS from /proc while it runs. */
async function runBatch(emulator: Emulator, args: string[]): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, ENTRY, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      SERVICE_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'bench-token',
      TWILIO_BASE_URL: emulator.url,
      // Out of the way: this measures the command, not the guards' limits.
      RATE_LIMIT_ENABLED: 'false',
      EXPONENTIAL_DELAY_RESET_AFTER: '0',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  let peakKb = 0;
  const sample = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm?.[1] !== undefined) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // the process has just ended
    }
  }, 100);
  const [status] = (await once(child, 'exit')) as [number | null];
  clearInterval(sample);
  return { wallSeconds: (performance.now() - started) / 1000, peakRssMb: peakKb / 1024, status, stdout };
}

/** Messages per second the emulator received, from its first call to its last. */
function receivedRate(emulator: Emulator): { perSecond: number; count: number } {
  const times = emulator.calls().map((call) => call.at);
  const first = times.reduce((min, at) => Math.min(min, at), Infinity);
  const last = times.reduce((max, at) => Math.max(max, at), 0);
  return { perSecond: ((times.length - 1) * 1000) / Math.max(1, last - first), count: emulator.count() };
}

execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
const emulator = await startEmulator({ latencyMs: LATENCY_MS, keepCalls: Math.max(ROWS, RATE_ROWS) });
try {
  console.log(`batch bench: emulator latency ${LATENCY_MS} ms; ${ROWS} rows at concurrency ${CONCURRENCY}; then ${RATE_ROWS} rows at --rate ${RATE}/s`);
  const big = join(work, 'big.csv');
  await writeCsv(big, ROWS);
  const throughputRun = await runBatch(emulator, ['send', big, '--results', join(work, 'big.jsonl'), '--sender', 'ACME', '--concurrency', String(CONCURRENCY)]);
  const throughput = receivedRate(emulator);
  const sent = Number(/^sent: (\d+)$/m.exec(throughputRun.stdout)?.[1] ?? 0);
  console.log(
    `throughput: ${sent} sent in ${throughputRun.wallSeconds.toFixed(1)} s (process start included): ${(sent / throughputRun.wallSeconds).toFixed(0)} msg/s; ` +
      `provider calls ${throughput.perSecond.toFixed(0)}/s from first to last; peak RSS ${throughputRun.peakRssMb.toFixed(0)} MB`,
  );

  emulator.reset();
  const paced = join(work, 'paced.csv');
  await writeCsv(paced, RATE_ROWS);
  const rateRun = await runBatch(emulator, ['send', paced, '--results', join(work, 'paced.jsonl'), '--sender', 'ACME', '--concurrency', String(CONCURRENCY), '--rate', `${RATE}/s`]);
  const held = receivedRate(emulator);
  const deviation = (held.perSecond - RATE) / RATE;
  console.log(`rate: asked ${RATE}/s, provider received ${held.perSecond.toFixed(1)}/s over ${held.count} calls (${(deviation * 100).toFixed(2)} %)`);

  const targets = {
    throughputAtLeast1000: sent / throughputRun.wallSeconds >= 1000 && sent === ROWS,
    rateWithin5Percent: Math.abs(deviation) <= 0.05 && rateRun.status === 0,
    peakRssUnder150Mb: throughputRun.peakRssMb < 150,
  };
  console.log(`targets: ${Object.entries(targets).map(([name, met]) => `${name} ${met ? 'OK' : 'MISSED'}`).join(', ')}`);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench/results/batch-latest.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        latencyMs: LATENCY_MS,
        throughput: { rows: ROWS, sent, concurrency: CONCURRENCY, wallSeconds: throughputRun.wallSeconds, messagesPerSecond: sent / throughputRun.wallSeconds, providerCallsPerSecond: throughput.perSecond, peakRssMb: throughputRun.peakRssMb },
        rate: { asked: RATE, rows: RATE_ROWS, received: held.perSecond, deviation },
        targets,
      },
      null,
      2,
    )}\n`,
  );
  process.exitCode = Object.values(targets).every(Boolean) ? 0 : 1;
} finally {
  await emulator.close();
  rmSync(work, { recursive: true, force: true });
}
