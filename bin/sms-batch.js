#!/usr/bin/env -S node --max-old-space-size=96 --max-semi-space-size=4
// The V8 flags of the line above keep the heap near what the command uses (README, "Performance"). They are the
// only copy: started without them (`node bin/sms-batch.js`), the launcher starts itself again with them.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const flags = readFileSync(self, 'utf8').split('\n', 1)[0].split(' ').filter((word) => word.startsWith('--'));

if (flags.every((flag) => process.execArgv.includes(flag))) {
  // The built JavaScript (`npm run build`) when it is newer than every source file; otherwise, in a checkout after
  // `npm ci`, the TypeScript sources through tsx, so the command is never stale. The build is preferred: tsx's
  // loader thread costs about 25 MB of memory. Where tsx is not installed the build runs whatever its age.
  const built = new URL('../dist/infrastructure/batch-main.js', import.meta.url);
  let entry = built;
  if (!isFresh(fileURLToPath(built), fileURLToPath(new URL('../src', import.meta.url)))) {
    try {
      const { register } = await import('tsx/esm/api');
      register();
      entry = new URL('../src/infrastructure/batch-main.ts', import.meta.url);
    } catch {
      // no tsx: use the build
    }
  }
  await import(entry.href);
} else {
  const argv = [...flags, ...process.execArgv, self, ...process.argv.slice(2)];
  if (typeof process.execve === 'function') {
    // Node 22.15 and later: the same process, with the flags.
    process.execve(process.execPath, [process.execPath, ...argv], process.env);
  } else {
    // A child in the same process group: a terminal's Ctrl-C reaches it directly; a signal sent to this launcher
    // alone is passed on (sms-batch counts a Ctrl-C that arrives twice at once as one). Its exit is this one.
    const child = spawn(process.execPath, argv, { stdio: 'inherit' });
    const pass = (signal) => child.kill(signal);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, pass);
    child.on('exit', (code, signal) => {
      if (signal === null) process.exit(code ?? 1);
      for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(name, pass);
      process.kill(process.pid, signal);
    });
  }
}

/** Whether `file` exists and is newer than every file under `sources`. */
function isFresh(file, sources) {
  const newest = (dir) =>
    readdirSync(dir, { withFileTypes: true }).reduce((latest, item) => {
      const path = join(dir, item.name);
      return Math.max(latest, item.isDirectory() ? newest(path) : statSync(path).mtimeMs);
    }, 0);
  try {
    return statSync(file).mtimeMs >= newest(sources);
  } catch {
    return false;
  }
}
