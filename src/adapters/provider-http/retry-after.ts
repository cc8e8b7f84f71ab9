// Delta-seconds, or an HTTP date in the IMF-fixdate form: RFC 9110 §10.2.3 and §5.6.7.
const DELTA_SECONDS = /^\d{1,10}$/;
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
// Longer waits than a day are a provider's mistake, not an instruction worth passing on.
const MAX_SECONDS = 86_400;

/** Seconds to wait from a Retry-After header, if it is well formed; capped at one day. */
export function parseRetryAfter(header: unknown, now: Date = new Date()): number | undefined {
  if (typeof header !== 'string') return undefined;
  const value = header.trim();
  if (DELTA_SECONDS.test(value)) return Math.min(MAX_SECONDS, Number(value));
  if (!IMF_FIXDATE.test(value)) return undefined;
  const seconds = Math.ceil((Date.parse(value) - now.getTime()) / 1000);
  return Math.min(MAX_SECONDS, Math.max(0, seconds));
}
