#!/usr/bin/env -S node --max-old-space-size=96 --max-semi-space-size=4
// In a checkout (after `npm ci`) the TypeScript sources run through tsx, so the command is never stale;
// where tsx is not installed the built JavaScript (`npm run build`) runs instead.
let entry = new URL('../dist/infrastructure/batch-main.js', import.meta.url);
try {
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('../src/infrastructure/batch-main.ts', import.meta.url);
} catch {
  // no tsx: use the build
}
await import(entry.href);
