import { readFileSync } from 'node:fs';
import type { ServiceIdentity } from '../adapters/http/health-routes.js';

/** Name and version from package.json, read once at start (two levels up from both src/ and dist/). */
export function readServiceIdentity(): ServiceIdentity {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    name: string;
    version: string;
  };
  return { name: manifest.name, version: manifest.version };
}
