import type { RateLimitDecision } from '../../application/ports/guard-store.js';

/** RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (seconds until the window ends). */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(Math.max(0, decision.remaining)),
    'RateLimit-Reset': String(Math.max(0, Math.ceil(decision.resetMs / 1000))),
  };
}
