import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BatchRun {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit status (or the signal's name when killed). */
  readonly exited: Promise<number | string>;
}

/** Runs `sms-batch` through its real launcher, as a user would after `npm ci`. */
export function runBatch(args: readonly string[], env: Record<string, string>): BatchRun {
  const child = spawn(process.execPath, ['bin/sms-batch.js', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code, signal]) => (code as number | null) ?? (signal as string));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs `sms-batch` to its end. */
export async function batch(args: readonly string[], env: Record<string, string>): Promise<{ status: number | string; stdout: string; stderr: string }> {
  const run = runBatch(args, env);
  const status = await run.exited;
  return { status, stdout: run.stdout(), stderr: run.stderr() };
}
