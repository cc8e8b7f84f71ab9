import { Ajv, type ErrorObject } from 'ajv';
import { KALEYRA_MESSAGE_TYPES, type KaleyraMessageType } from '../adapters/kaleyra/kaleyra-api-types.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

export const PROVIDERS = ['twilio', 'kaleyra', 'sandbox'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export interface Config {
  readonly nodeEnv: string;
  readonly provider: ProviderName;
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
  readonly logLevel: LogLevel;
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
  SERVICE_PROVIDER: { schema: { enum: [...PROVIDERS] }, rule: `must be one of ${PROVIDERS.join(', ')}`, echo: true },
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
  LOG_LEVEL: { schema: { enum: [...LOG_LEVELS] }, rule: `must be one of ${LOG_LEVELS.join(', ')}`, echo: true },
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
  const provider = (value('SERVICE_PROVIDER') ?? 'sandbox') as ProviderName;
  for (const key of REQUIRED_BY_PROVIDER[provider] ?? []) {
    if (raw[key] === undefined) problems.push(`${key} is required when SERVICE_PROVIDER=${provider}`);
  }
  const twilioBaseUrl = checkBaseUrl('TWILIO_BASE_URL', value('TWILIO_BASE_URL') ?? 'https://api.twilio.com', problems);
  const kaleyraBaseUrl = checkBaseUrl('KALEYRA_BASE_URL', value('KALEYRA_BASE_URL') ?? 'https://api.kaleyra.io', problems);
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    nodeEnv,
    provider,
    providerDefaulted: !providerSet,
    twilio:
      provider === 'twilio'
        ? { accountSid: raw.TWILIO_ACCOUNT_SID as string, authToken: raw.TWILIO_AUTH_TOKEN as string, baseUrl: twilioBaseUrl }
        : undefined,
    kaleyra:
      provider === 'kaleyra'
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
    logLevel: (raw.LOG_LEVEL as LogLevel | undefined) ?? 'info',
  });
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
