import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogFields } from './ports/logger.js';

/** Fields every log line written while handling one request (or one batch row) carries, e.g. its request id. */
export const logContext = new AsyncLocalStorage<LogFields>();
