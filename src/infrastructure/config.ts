import { isIP } from 'node:net';
import { Ajv, type ErrorObject } from 'ajv';
import ms from 'ms';
import { SenderId } from '../domain/sender-id.js';
import { isCallingCode } from '../adapters/numbering-plan/calling-codes.js';
import { KALEYRA_MESSAGE_TYPES, type KaleyraMessageType } from '../adapters/kaleyra/kaleyra-api-types.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

export const PROVIDERS = ['twilio', 'kaleyra', 'sandbox'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Which providers, in order, serve receivers of one calling code (`*`: every other). */
export interface ProviderRouteConfig {
  readonly callingCode: string;
  readonly providers: readonly ProviderName[];
}

export interface ResilienceConfig {
  /** Retries of a call the provider certainly did not take (429, unreachable). */
  readonly maxRetries: number;
  /** Consecutive unavailability failures that open a provider's circuit. */
  readonly circuitFailures: number;
  readonly circuitCooldownMs: number;
}

export interface Config {
  readonly nodeEnv: string;
  /** The first provider of SERVICE_PROVIDER: the one requests' senders belong to. */
  readonly provider: ProviderName;
  /** Every provider of SERVICE_PROVIDER, in failover order. */
  readonly providers: readonly ProviderName[];
  /** From PROVIDER_ROUTES; always ends with a `*` route. */
  readonly routes: readonly ProviderRouteConfig[];
  /** Senders to use with a provider that cannot use the request's sender (TWILIO_SENDER, KALEYRA_SENDER). */
  readonly senders: Readonly<Partial<Record<ProviderName, string>>>;
  readonly resilience: ResilienceConfig;
  /** How long an Idempotency-Key and its answer are kept. */
  readonly idempotencyTtlMs: number;
  /** Keys callers must present on /send, /segments and /sandbox; open when empty. */
  readonly apiKeys: readonly string[];
  /** Express's `trust proxy`: which hops' X-Forwarded-For to believe. */
  readonly trustProxy: boolean | number | string;
  /** True when SERVICE_PROVIDER was not set and the sandbox was chosen for it. */
  readonly providerDefaulted: boolean;
  readonly twilio?: { readonly accountSid: string; readonly authToken: string; readonly baseUrl: string };
  readonly kaleyra?: {
    readonly baseUrl: string;
    readonly apiKey: string;
    readonly sid: string;
    readonly messageType: KaleyraMessageType;
  };
  readonly providerTimeoutMs: number;
  /** Smart Encoding for messages that do not say. */
  readonly smartEncoding: boolean;
  /** Refuse messages needing more parts; none when unset. */
  readonly maxSegments?: number;
  readonly httpPort: number;
  /** After SIGTERM, how long readiness answers 503 while the service still serves, before it stops accepting. */
  readonly shutdownDelayMs: number;
  readonly logLevel: LogLevel;
  readonly guards: GuardConfig;
}

export interface GuardConfig {
  readonly rateLimit: { readonly enabled: boolean; readonly maxRequests: number; readonly windowMs: number };
  /** resetAfterMs 0 switches the per-receiver back-off off. */
  readonly backoff: { readonly resetAfterMs: number; readonly maxWaitMs: number };
  /** Check the configured provider's balance before sending. */
  readonly balanceCheck: { readonly twilio: boolean; readonly kaleyra: boolean };
  readonly allowedCallingCodes?: readonly string[];
  readonly blockedPrefixes: readonly string[];
  /** Shared counters for every replica; in memory when unset. */
  readonly redisUrl?: string;
  /** Prefix of every key the service writes in Redis, so several deployments can share one. */
  readonly redisKeyPrefix: string;
  readonly failOpen: boolean;
}

/** Every problem found in the environment, in one message. Never carries a secret's value. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

interface KeySpec {
  readonly schema: Record<string, unknown>;
  /** What a valid value looks like, for the error message. */
  readonly rule: string;
  /** Values that may be echoed in an error message; secrets and URLs are never echoed. */
  readonly echo?: boolean;
}

// One entry per environment variable the service reads. Names are those of the service this replaces.
const KEYS: Readonly<Record<string, KeySpec>> = {
  NODE_ENV: { schema: { type: 'string' }, rule: 'must be a string', echo: true },
  SERVICE_PROVIDER: {
    schema: { type: 'string' },
    rule: `must be one of ${PROVIDERS.join(', ')}, or an ordered list such as twilio,kaleyra (sandbox only alone)`,
    echo: true,
  },
  PROVIDER_ROUTES: {
    schema: { type: 'string' },
    rule: 'must be routes such as 91=kaleyra,*=twilio,kaleyra: a calling code or * , then providers of SERVICE_PROVIDER',
    echo: true,
  },
  TWILIO_SENDER: { schema: { type: 'string' }, rule: 'must be an E.164 number or an alphanumeric sender ID', echo: true },
  KALEYRA_SENDER: { schema: { type: 'string' }, rule: 'must be an E.164 number or an alphanumeric sender ID', echo: true },
  PROVIDER_MAX_RETRIES: { schema: { type: 'integer', minimum: 0, maximum: 10 }, rule: 'must be a whole number from 0 to 10', echo: true },
  CIRCUIT_FAILURES: { schema: { type: 'integer', minimum: 1, maximum: 1000 }, rule: 'must be a whole number from 1 to 1000', echo: true },
  CIRCUIT_COOLDOWN: {
    schema: { type: 'string' },
    rule: 'must be milliseconds or a duration such as 30s or 2 minutes, of at least 1 second',
    echo: true,
  },
  API_KEYS: { schema: { type: 'string' }, rule: 'must be keys of 16 to 256 printable ASCII characters (no space or comma), separated by commas' },
  TRUSTED_PROXIES: {
    schema: { type: 'string' },
    rule: 'must be true, false, a number of hops, or addresses, CIDR ranges and loopback / linklocal / uniquelocal separated by commas',
    echo: true,
  },
  IDEMPOTENCY_TTL: {
    schema: { type: 'string' },
    rule: 'must be milliseconds or a duration such as 24h or 7d, from 1 second to 30 days',
    echo: true,
  },
  TWILIO_ACCOUNT_SID: {
    schema: { type: 'string', pattern: '^AC[0-9a-fA-F]{32}$' },
    rule: 'must be a Twilio account SID: AC followed by 32 hexadecimal characters',
  },
  TWILIO_AUTH_TOKEN: { schema: { type: 'string', minLength: 1 }, rule: 'must not be empty' },
  TWILIO_BASE_URL: { schema: { type: 'string' }, rule: 'must be an https URL (http only for a loopback host)' },
  KALEYRA_BASE_URL: { schema: { type: 'string' }, rule: 'must be an https URL (http only for a loopback host)' },
  KALEYRA_API_KEY: { schema: { type: 'string', minLength: 1 }, rule: 'must not be empty' },
  KALEYRA_SID: { schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }, rule: 'must be a Kaleyra account SID (letters, digits, - and _)' },
  KALEYRA_MESSAGE_TYPE: {
    schema: { enum: [...KALEYRA_MESSAGE_TYPES] },
    rule: `must be one of ${KALEYRA_MESSAGE_TYPES.join(', ')}`,
    echo: true,
  },
  PROVIDER_TIMEOUT_MS: {
    schema: { type: 'integer', minimum: 1, maximum: 600000 },
    rule: 'must be a whole number of milliseconds from 1 to 600000',
    echo: true,
  },
  SMART_ENCODING: { schema: { type: 'boolean' }, rule: 'must be true or false', echo: true },
  MAX_SEGMENTS: { schema: { type: 'integer', minimum: 1, maximum: 100 }, rule: 'must be a whole number from 1 to 100', echo: true },
  HTTP_PORT: { schema: { type: 'integer', minimum: 0, maximum: 65535 }, rule: 'must be a port number from 0 to 65535', echo: true },
  SHUTDOWN_DELAY_MS: { schema: { type: 'integer', minimum: 0, maximum: 600000 }, rule: 'must be a whole number of milliseconds from 0 to 600000', echo: true },
  LOG_LEVEL: { schema: { enum: [...LOG_LEVELS] }, rule: `must be one of ${LOG_LEVELS.join(', ')}`, echo: true },
  RATE_LIMIT_ENABLED: { schema: { type: 'boolean' }, rule: 'must be true or false', echo: true },
  RATE_LIMIT_MAX_REQUESTS: {
    schema: { type: 'integer', minimum: 1 },
    rule: 'must be a whole number of at least 1 (to switch the limit off, set RATE_LIMIT_ENABLED=false)',
    echo: true,
  },
  RATE_LIMIT_TIME_WINDOW: {
    schema: { type: 'string' },
    rule: 'must be milliseconds or a duration such as 30s, 1 minute or 1h: a whole number of seconds, at least 1',
    echo: true,
  },
  EXPONENTIAL_DELAY_RESET_AFTER: { schema: { type: 'number', minimum: 0 }, rule: 'must be a number of seconds, 0 to switch the back-off off', echo: true },
  EXPONENTIAL_DELAY_MAX_WAIT: { schema: { type: 'number', minimum: 0 }, rule: 'must be a number of seconds', echo: true },
  TWILIO_EMPTY_BALANCE_CHECK: { schema: { type: 'boolean' }, rule: 'must be true or false', echo: true },
  KALEYRA_EMPTY_BALANCE_CHECK: { schema: { type: 'boolean' }, rule: 'must be true or false', echo: true },
  ALLOWED_COUNTRY_CODES: { schema: { type: 'string' }, rule: 'must be country calling codes separated by commas, e.g. 39,44,1', echo: true },
  BLOCKED_PREFIXES: { schema: { type: 'string' }, rule: 'must be E.164 prefixes separated by commas, e.g. +88213,+3367', echo: true },
  REDIS_URL: { schema: { type: 'string', pattern: '^rediss?://' }, rule: 'must be a redis:// or rediss:// URL' },
  REDIS_KEY_PREFIX: { schema: { type: 'string', pattern: '^[A-Za-z0-9:_.-]{1,64}$' }, rule: 'must be 1 to 64 of A-Z a-z 0-9 : _ . -', echo: true },
  GUARDS_FAIL_OPEN: { schema: { type: 'boolean' }, rule: 'must be true or false', echo: true },
};

const REQUIRED_BY_PROVIDER: Readonly<Record<ProviderName, readonly string[]>> = {
  twilio: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'],
  kaleyra: ['KALEYRA_API_KEY', 'KALEYRA_SID'],
  sandbox: [],
};

const ajv = new Ajv({ allErrors: true, coerceTypes: true, strict: true });
const validateEnv = ajv.compile({
  type: 'object',
  properties: Object.fromEntries(Object.entries(KEYS).map(([key, spec]) => [key, spec.schema])),
});

/** Reads and checks the environment once. Throws a ConfigError listing every problem. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // Unset and empty mean the same: an env file often carries `KEY=` for a value it leaves out.
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(KEYS)) {
    const value = env[key]?.trim();
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const badKeys = new Set(validateEnv(raw) ? [] : (validateEnv.errors ?? []).map(keyOf));
  const problems = [...badKeys].map((key) => describe(key, env[key]));
  const value = (key: string): string | undefined => (badKeys.has(key) ? undefined : (raw[key] as string | undefined));

  const nodeEnv = (raw.NODE_ENV as string | undefined) ?? 'development';
  const providerSet = raw.SERVICE_PROVIDER !== undefined;
  if (!providerSet && nodeEnv === 'production') {
    problems.push('SERVICE_PROVIDER is required when NODE_ENV=production (twilio or kaleyra; sandbox sends nothing)');
  }
  const providers = readProviders(value('SERVICE_PROVIDER'), problems);
  const provider = providers[0] ?? 'sandbox';
  const routes = readRoutes(value('PROVIDER_ROUTES'), providers, problems);
  for (const name of providers) {
    for (const key of REQUIRED_BY_PROVIDER[name]) {
      if (raw[key] === undefined) problems.push(`${key} is required when SERVICE_PROVIDER includes ${name}`);
    }
  }
  const senders: Partial<Record<ProviderName, string>> = {};
  for (const [name, key] of [['twilio', 'TWILIO_SENDER'], ['kaleyra', 'KALEYRA_SENDER']] as const) {
    const sender = value(key);
    if (sender === undefined) continue;
    if (isSender(sender)) senders[name] = sender;
    else problems.push(describe(key, sender));
  }
  const cooldownText = value('CIRCUIT_COOLDOWN') ?? '30s';
  const circuitCooldownMs = parseDuration(cooldownText);
  if (circuitCooldownMs === undefined) problems.push(describe('CIRCUIT_COOLDOWN', cooldownText));
  const ttlText = value('IDEMPOTENCY_TTL') ?? '24h';
  const idempotencyTtlMs = parseDuration(ttlText);
  if (idempotencyTtlMs === undefined || idempotencyTtlMs > 30 * 86_400_000) problems.push(describe('IDEMPOTENCY_TTL', ttlText));
  const apiKeys = list(value('API_KEYS') ?? '');
  if (apiKeys.some((key) => !/^[\x21-\x2b\x2d-\x7e]{16,256}$/.test(key))) problems.push(describe('API_KEYS', undefined));
  const trustProxy = readTrustProxy(value('TRUSTED_PROXIES'));
  if (trustProxy === undefined) problems.push(describe('TRUSTED_PROXIES', value('TRUSTED_PROXIES')));
  const guards = readGuards(value, raw, badKeys, problems);
  const twilioBaseUrl = checkBaseUrl('TWILIO_BASE_URL', value('TWILIO_BASE_URL') ?? 'https://api.twilio.com', problems);
  const kaleyraBaseUrl = checkBaseUrl('KALEYRA_BASE_URL', value('KALEYRA_BASE_URL') ?? 'https://api.kaleyra.io', problems);
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    nodeEnv,
    provider,
    providers,
    routes,
    senders,
    resilience: {
      maxRetries: (raw.PROVIDER_MAX_RETRIES as number | undefined) ?? 2,
      circuitFailures: (raw.CIRCUIT_FAILURES as number | undefined) ?? 5,
      circuitCooldownMs: circuitCooldownMs ?? 30_000,
    },
    idempotencyTtlMs: idempotencyTtlMs ?? 86_400_000,
    apiKeys,
    trustProxy: trustProxy ?? false,
    providerDefaulted: !providerSet,
    twilio:
      providers.includes('twilio')
        ? { accountSid: raw.TWILIO_ACCOUNT_SID as string, authToken: raw.TWILIO_AUTH_TOKEN as string, baseUrl: twilioBaseUrl }
        : undefined,
    kaleyra:
      providers.includes('kaleyra')
        ? {
            baseUrl: kaleyraBaseUrl,
            apiKey: raw.KALEYRA_API_KEY as string,
            sid: raw.KALEYRA_SID as string,
            messageType: (raw.KALEYRA_MESSAGE_TYPE as KaleyraMessageType | undefined) ?? 'DEFAULT',
          }
        : undefined,
    providerTimeoutMs: (raw.PROVIDER_TIMEOUT_MS as number | undefined) ?? 10000,
    smartEncoding: (raw.SMART_ENCODING as boolean | undefined) ?? false,
    maxSegments: raw.MAX_SEGMENTS as number | undefined,
    httpPort: (raw.HTTP_PORT as number | undefined) ?? 3000,
    shutdownDelayMs: (raw.SHUTDOWN_DELAY_MS as number | undefined) ?? 0,
    logLevel: (raw.LOG_LEVEL as LogLevel | undefined) ?? 'info',
    guards,
  });
}

function readGuards(
  value: (key: string) => string | undefined,
  raw: Record<string, unknown>,
  badKeys: ReadonlySet<string>,
  problems: string[],
): GuardConfig {
  const typed = <T>(key: string, fallback: T): T => (badKeys.has(key) ? fallback : ((raw[key] as T | undefined) ?? fallback));
  const windowText = value('RATE_LIMIT_TIME_WINDOW') ?? '1 minute';
  const windowMs = parseDuration(windowText);
  if (windowMs === undefined) problems.push(describe('RATE_LIMIT_TIME_WINDOW', windowText));

  const allowed = value('ALLOWED_COUNTRY_CODES');
  const allowedCallingCodes = allowed === undefined ? undefined : list(allowed).map((code) => code.replace(/^\+/, ''));
  if (allowedCallingCodes?.length === 0) problems.push('ALLOWED_COUNTRY_CODES names no calling code: it would refuse every receiver (leave it unset to allow all)');
  for (const code of allowedCallingCodes ?? []) {
    if (!/^\d{1,3}$/.test(code) || !isCallingCode(code)) {
      problems.push(`ALLOWED_COUNTRY_CODES has ${JSON.stringify(code)}, which is not a country calling code (e.g. 1, 39, 44, 91)`);
    }
  }
  const blockedPrefixes = list(value('BLOCKED_PREFIXES') ?? '');
  for (const prefix of blockedPrefixes) {
    if (!/^\+[1-9]\d{0,14}$/.test(prefix)) {
      problems.push(`BLOCKED_PREFIXES has ${JSON.stringify(prefix)}, which is not an E.164 prefix (+ and 1 to 15 digits, e.g. +88213)`);
    }
  }
  return {
    rateLimit: {
      enabled: typed('RATE_LIMIT_ENABLED', true),
      maxRequests: typed('RATE_LIMIT_MAX_REQUESTS', 100),
      windowMs: windowMs ?? 60_000,
    },
    backoff: {
      resetAfterMs: typed('EXPONENTIAL_DELAY_RESET_AFTER', 120) * 1000,
      maxWaitMs: typed('EXPONENTIAL_DELAY_MAX_WAIT', 8) * 1000,
    },
    balanceCheck: { twilio: typed('TWILIO_EMPTY_BALANCE_CHECK', false), kaleyra: typed('KALEYRA_EMPTY_BALANCE_CHECK', false) },
    allowedCallingCodes,
    blockedPrefixes,
    redisUrl: value('REDIS_URL'),
    redisKeyPrefix: value('REDIS_KEY_PREFIX') ?? 'sms-service:',
    failOpen: typed('GUARDS_FAIL_OPEN', false),
  };
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** TRUSTED_PROXIES as Express takes it; undefined when it is not one of the accepted forms. Unset: trust none. */
function readTrustProxy(text: string | undefined): boolean | number | string | undefined {
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const entries = list(text);
  const fine = entries.every((entry) => {
    if (PROXY_NAMES.has(entry)) return true;
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || rest.length > 0) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
  return fine && entries.length > 0 ? entries.join(',') : undefined;
}

/** SERVICE_PROVIDER: one provider, or an ordered list of real ones (first is primary). Unset: the sandbox. */
function readProviders(text: string | undefined, problems: string[]): ProviderName[] {
  if (text === undefined) return ['sandbox'];
  const names = list(text.toLowerCase());
  const known = names.filter((name): name is ProviderName => (PROVIDERS as readonly string[]).includes(name));
  if (names.length === 0 || known.length !== names.length || new Set(names).size !== names.length || (names.length > 1 && known.includes('sandbox'))) {
    problems.push(describe('SERVICE_PROVIDER', text));
    return ['sandbox'];
  }
  return known;
}

/**
 * PROVIDER_ROUTES such as `91=kaleyra,*=twilio,kaleyra`: a token with `=` starts a route, one without adds a
 * provider to the route before it. Receivers no route names go to `*`, which defaults to SERVICE_PROVIDER's order.
 */
function readRoutes(text: string | undefined, providers: readonly ProviderName[], problems: string[]): ProviderRouteConfig[] {
  const routes: { callingCode: string; providers: ProviderName[] }[] = [];
  for (const token of list(text ?? '')) {
    const [head, name] = token.includes('=') ? token.split('=', 2).map((part) => part.trim()) : [undefined, token];
    if (head !== undefined) {
      const callingCode = head.replace(/^\+/, '');
      if (callingCode !== '*' && !(/^\d{1,3}$/.test(callingCode) && isCallingCode(callingCode))) {
        problems.push(`PROVIDER_ROUTES has ${JSON.stringify(head)}, which is neither * nor a country calling code`);
      } else if (routes.some((route) => route.callingCode === callingCode)) {
        problems.push(`PROVIDER_ROUTES names ${callingCode} twice`);
      }
      routes.push({ callingCode, providers: [] });
    }
    const route = routes.at(-1);
    const provider = (name ?? '').toLowerCase() as ProviderName;
    if (route === undefined || !providers.includes(provider) || provider === 'sandbox') {
      problems.push(`PROVIDER_ROUTES has ${JSON.stringify(token)}: each route is code=provider[,provider…] with providers from SERVICE_PROVIDER (${providers.join(', ')})`);
      continue;
    }
    if (!route.providers.includes(provider)) route.providers.push(provider);
  }
  const usable = routes.filter((route) => route.providers.length > 0);
  if (!usable.some((route) => route.callingCode === '*')) usable.push({ callingCode: '*', providers: [...providers] });
  return usable;
}

/** Same rule as a request's sender. */
function isSender(text: string): boolean {
  try {
    SenderId.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A rate-limit window in milliseconds, from milliseconds or a duration such as `30s`, `1 minute`, `1h`. The
 * shared stores count windows in whole seconds, so anything else is refused rather than silently rounded.
 */
export function parseDuration(text: string): number | undefined {
  const parsed = /^\d+$/.test(text) ? Number(text) : ms(text as ms.StringValue);
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 1000 || parsed % 1000 !== 0) return undefined;
  return parsed;
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function keyOf(error: ErrorObject): string {
  return error.instancePath.replace(/^\//, '');
}

function describe(key: string, value: string | undefined): string {
  const spec = KEYS[key];
  const shown = spec?.echo === true && value !== undefined ? ` (got ${JSON.stringify(value.slice(0, 40))})` : '';
  return `${key} ${spec?.rule ?? 'is not valid'}${shown}`;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An https URL, or an http one whose host is this machine: credentials never cross a network in clear. */
function checkBaseUrl(key: string, value: string, problems: string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(describe(key, undefined));
    return value;
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  const fine = url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
  if (!fine || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    problems.push(describe(key, undefined));
  }
  return value.replace(/\/+$/, '');
}
