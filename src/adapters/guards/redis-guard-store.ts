import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { GuardStoreUnavailableError, type BackoffDecision, type GuardStore, type RateLimitDecision } from '../../application/ports/guard-store.js';
import { consume } from './in-memory-guard-store.js';
import type { GuardStoreSettings } from './rate-limit-settings.js';

// decideBackoff (src/application/guards/receiver-backoff.ts) as one atomic step in Redis: read the receiver's
// count and last send, refuse or count one more, store. Returns {refused, retryAfterMs, holdMs}.
const RESERVE_RECEIVER = `
local now = tonumber(ARGV[1])
local resetAfter = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'count', 'last')
local count = 0
local last = now
if state[1] and state[2] then
  last = tonumber(state[2])
  if now - last < resetAfter then count = tonumber(state[1]) end
end
local k = count + 1
local hold = 0
if k >= 2 then hold = 1000 * 2 ^ (k - 2) end
if hold > maxWait then
  local retry = last + resetAfter - now
  if retry < 0 then retry = 0 end
  return {1, retry, hold}
end
redis.call('HSET', KEYS[1], 'count', k, 'last', now + hold)
redis.call('PEXPIRE', KEYS[1], hold + resetAfter)
return {0, 0, hold}
`;

type ReserveCommand = (key: string, now: number, resetAfter: number, maxWait: number) => Promise<[number, number, number]>;

/** Guard counters in Redis, shared by every replica: one global limit, one back-off per receiver. */
export class RedisGuardStore implements GuardStore {
  private readonly limiter: RateLimiterRedis;

  constructor(
    private readonly redis: Redis,
    private readonly settings: GuardStoreSettings,
    private readonly keyPrefix = 'sms-service:',
  ) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      points: settings.rateLimit.maxRequests,
      duration: settings.rateLimit.windowMs / 1000,
      keyPrefix: `${keyPrefix}rate-limit`,
      rejectIfRedisNotReady: true,
    });
    redis.defineCommand('smsReserveReceiver', { numberOfKeys: 1, lua: RESERVE_RECEIVER });
  }

  async consumeRateLimit(): Promise<RateLimitDecision> {
    try {
      return await consume(this.limiter, this.settings.rateLimit.maxRequests);
    } catch (error) {
      throw new GuardStoreUnavailableError(error);
    }
  }

  async reserveReceiver(receiverKey: string, nowMs: number): Promise<BackoffDecision> {
    const reserve = (this.redis as unknown as { smsReserveReceiver: ReserveCommand }).smsReserveReceiver.bind(this.redis);
    let reply: [number, number, number];
    try {
      reply = await reserve(`${this.keyPrefix}receiver:${receiverKey}`, nowMs, this.settings.backoff.resetAfterMs, this.settings.backoff.maxWaitMs);
    } catch (error) {
      throw new GuardStoreUnavailableError(error);
    }
    const [refused, retryAfterMs, holdMs] = reply.map(Number) as [number, number, number];
    return refused === 1 ? { refused: true, retryAfterMs, holdMs } : { refused: false, holdMs };
  }

  isAvailable(): boolean {
    return this.redis.status === 'ready';
  }

  /** Resolves when Redis is ready, or after `timeoutMs` whatever its state: start-up should not wait longer. */
  async whenReady(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
      const onReady = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.redis.once('ready', onReady);
    });
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
