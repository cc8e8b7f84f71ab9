import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import {
  GuardStoreUnavailableError,
  type BackoffDecision,
  type GuardStore,
  type RateLimitDecision,
  type ReceiverReservation,
} from '../../application/ports/guard-store.js';
import { consume, GLOBAL_KEY } from './in-memory-guard-store.js';
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
local previous = -1
if count > 0 then previous = last end
return {0, 0, hold, k, now + hold, previous}
`;

// releaseBackoff as one atomic step: only the reservation's own state is taken back, to the one before it.
const RELEASE_RECEIVER = `
local k = tonumber(ARGV[1])
local last = tonumber(ARGV[2])
local previous = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local resetAfter = tonumber(ARGV[5])
local state = redis.call('HMGET', KEYS[1], 'count', 'last')
if not (state[1] and state[2]) or tonumber(state[1]) ~= k or tonumber(state[2]) ~= last then return 0 end
if k <= 1 or previous < 0 or previous + resetAfter <= now then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'count', k - 1, 'last', previous)
  redis.call('PEXPIRE', KEYS[1], previous + resetAfter - now)
end
return 1
`;

type ReserveCommand = (key: string, now: number, resetAfter: number, maxWait: number) => Promise<number[]>;
type ReleaseCommand = (key: string, count: number, last: number, previous: number, now: number, resetAfter: number) => Promise<number>;

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
    redis.defineCommand('smsReleaseReceiver', { numberOfKeys: 1, lua: RELEASE_RECEIVER });
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
    let reply: number[];
    try {
      reply = await reserve(this.receiverKey(receiverKey), nowMs, this.settings.backoff.resetAfterMs, this.settings.backoff.maxWaitMs);
    } catch (error) {
      throw new GuardStoreUnavailableError(error);
    }
    const [refused, retryAfterMs, holdMs, count, lastMs, previousLastMs] = reply.map(Number) as [number, number, number, number, number, number];
    if (refused === 1) return { refused: true, retryAfterMs, holdMs };
    const reservation = previousLastMs < 0 ? { count, lastMs } : { count, lastMs, previousLastMs };
    return { refused: false, holdMs, reservation };
  }

  async releaseReceiver(receiverKey: string, reservation: ReceiverReservation, nowMs: number): Promise<void> {
    const release = (this.redis as unknown as { smsReleaseReceiver: ReleaseCommand }).smsReleaseReceiver.bind(this.redis);
    try {
      await release(this.receiverKey(receiverKey), reservation.count, reservation.lastMs, reservation.previousLastMs ?? -1, nowMs, this.settings.backoff.resetAfterMs);
    } catch (error) {
      throw new GuardStoreUnavailableError(error);
    }
  }

  async refundRateLimit(): Promise<void> {
    try {
      await this.limiter.reward(GLOBAL_KEY, 1);
    } catch (error) {
      throw new GuardStoreUnavailableError(error);
    }
  }

  private receiverKey(receiverKey: string): string {
    return `${this.keyPrefix}receiver:${receiverKey}`;
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
