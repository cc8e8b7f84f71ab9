/** Processes the benchmarks start and measure: the emulator, the floor, the service; all on loopback. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, readFileSync } from 'node:fs';
import { freePort } from '../test/support/free-port.js';

export const ROOT = new URL('..', import.meta.url).pathname;

export { freePort };

export interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts a Node.js program and waits until `url + readyPath` answers. Its output goes to `logFile` or nowhere. */
export async function startProcess(
  args: readonly string[],
  env: Record<string, string>,
  port: number,
  readyPath: string,
  logFile?: string,
): Promise<Started> {
  const out = logFile === undefined ? 'ignore' : openSync(logFile, 'w');
  const child = spawn(process.execPath, [...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', out, out] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}${readyPath}`);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Samples a process's resident memory (Linux /proc) every 100 ms; `stop` answers the peak in MB. */
export function sampleRss(pid: number | undefined): { stop(): number } {
  let peakKb = 0;
  const read = (): void => {
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss?.[1] !== undefined) peakKb = Math.max(peakKb, Number(rss[1]));
    } catch {
      // gone, or not Linux
    }
  };
  read();
  const timer = setInterval(read, 100);
  return {
    stop: () => {
      clearInterval(timer);
      read();
      return peakKb / 1024;
    },
  };
}

/** CPU time a process has used so far (user and system, every thread), in milliseconds, from Linux /proc. */
export function cpuMs(pid: number | undefined): number {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 per second).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

export const TWILIO_ACCOUNT_SID = `AC${'0'.repeat(32)}`;
export const TWILIO_AUTH_TOKEN = 'bench-auth-token';

/** The emulator in its own process, so it does not share the load generator's event loop. */
export async function startEmulatorProcess(latencyMs: number): Promise<Started & { setLatency(ms: number): Promise<void> }> {
  const port = await freePort();
  const started = await startProcess(['--import', 'tsx', 'emulator/main.ts', '--port', String(port), '--latency', String(latencyMs)], {}, port, '/__emulator/calls');
  return {
    ...started,
    setLatency: async (ms) => {
      await fetch(`${started.url}/__emulator/latency`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ms }) });
    },
  };
}

/** A receiver per request: the per-receiver back-off stays on, and never holds a benchmark request. */
export function receivers(pool = 10_000_000): () => string {
  let next = 0;
  return () => `+1555${String(next++ % pool).padStart(7, '0')}`;
}
