import { Redis } from 'ioredis';
import type { Logger } from '../application/ports/logger.js';

/**
 * A Redis client for the guards: commands fail at once while disconnected (the guards then fail closed or open
 * as configured) instead of queueing, each command gives up after 1 s, and the client reconnects on its own.
 */
export function createRedisClient(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    lazyConnect: false,
  });
  let down = false;
  redis.on('ready', () => {
    if (down) logger.info('guard store reachable again', { store: 'redis' });
    down = false;
  });
  // One line per outage, not one per reconnection attempt. 'reconnecting' follows only an unplanned close.
  const wentDown = (reason: string): void => {
    if (!down) logger.error('guard store unreachable', { store: 'redis', reason });
    down = true;
  };
  redis.on('error', (error: Error) => wentDown(error.message));
  redis.on('reconnecting', () => wentDown('connection lost'));
  return redis;
}
