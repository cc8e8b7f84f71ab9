import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The documented ways of starting the command (README, "Batch sending"). */
export const LAUNCHERS = {
  node: [process.execPath, 'bin/sms-batch.js'],
  npx: ['npx', 'sms-batch'],
  'npx with bash': ['npx', '--script-shell=bash', 'sms-batch'],
  'npm run': ['npm', 'run', '--silent', 'batch', '--'],
} as const;

export type Launcher = keyof typeof LAUNCHERS;

export interface BatchRun {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit status (or the signal's name when killed). */
  readonly exited: Promise<number | string>;
  /** Sends `signal` to the run's whole process group, as a terminal does on Ctrl-C (needs `ownGroup`). */
  signalGroup(signal: NodeJS.Signals): void;
}

/**
 * Runs `sms-batch` through its real launcher, as a user would after `npm ci`: `node bin/sms-batch.js` unless told
 * otherwise. `ownGroup` puts it in a process group of its own, as a shell puts a command it runs in the foreground.
 */
export function runBatch(args: readonly string[], env: Record<string, string>, options: { via?: Launcher; ownGroup?: boolean } = {}): BatchRun {
  const [command, ...launcherArgs] = LAUNCHERS[options.via ?? 'node'];
  const child = spawn(command, [...launcherArgs, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...(process.env.HOME === undefined ? {} : { HOME: process.env.HOME }), ...env },
    detached: options.ownGroup === true,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code, signal]) => (code as number | null) ?? (signal as string));
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (options.ownGroup !== true || child.pid === undefined) throw new Error('the run has no process group of its own');
    process.kill(-child.pid, signal);
  };
  return { child, stdout: () => out, stderr: () => err, exited, signalGroup };
}

/** Runs `sms-batch` to its end. */
export async function batch(args: readonly string[], env: Record<string, string>): Promise<{ status: number | string; stdout: string; stderr: string }> {
  const run = runBatch(args, env);
  const status = await run.exited;
  return { status, stdout: run.stdout(), stderr: run.stderr() };
}

/** The V8 flags of the launcher's first line: the ones every way of starting the command must give Node. */
export function launcherFlags(): string[] {
  const first = readFileSync(new URL('../../bin/sms-batch.js', import.meta.url), 'utf8').split('\n', 1)[0] ?? '';
  return first.split(' ').filter((word) => word.startsWith('--'));
}

/** Command lines (argv) of `pid` and all its descendants, read from /proc (Linux). */
export function processTree(pid: number): string[][] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The parent pid is the 4th field, after the command name in parentheses.
      const ppid = Number(readFileSync(`/proc/${name}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree: string[][] = [];
  const visit = (at: number): void => {
    try {
      tree.push(readFileSync(`/proc/${at}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== ''));
    } catch {
      return;
    }
    for (const child of parents.get(at) ?? []) visit(child);
  };
  visit(pid);
  return tree;
}
