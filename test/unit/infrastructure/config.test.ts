import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/infrastructure/config.js';

const TWILIO = {
  SERVICE_PROVIDER: 'twilio',
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 's3cr3t-token-value',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to the sandbox on port 3000, info logs and a 10 s provider timeout', () => {
    expect(loadConfig({})).to.deep.include({
      provider: 'sandbox',
      providerDefaulted: true,
      httpPort: 3000,
      logLevel: 'info',
      providerTimeoutMs: 10000,
    });
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}))).to.equal(true);
  });

  it('reads the Twilio settings, with the public API as default base URL', () => {
    expect(loadConfig(TWILIO).twilio).to.deep.equal({
      accountSid: TWILIO.TWILIO_ACCOUNT_SID,
      authToken: TWILIO.TWILIO_AUTH_TOKEN,
      baseUrl: 'https://api.twilio.com',
    });
  });

  it('reads the Kaleyra settings, with DEFAULT as message type', () => {
    const config = loadConfig({ SERVICE_PROVIDER: 'kaleyra', KALEYRA_API_KEY: 'key', KALEYRA_SID: 'HXAP123' });
    expect(config.kaleyra).to.deep.equal({ baseUrl: 'https://api.kaleyra.io', apiKey: 'key', sid: 'HXAP123', messageType: 'DEFAULT' });
  });

  it('requires SERVICE_PROVIDER when NODE_ENV=production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).to.deep.equal([
      'SERVICE_PROVIDER is required when NODE_ENV=production (twilio or kaleyra; sandbox sends nothing)',
    ]);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      SERVICE_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'XX123',
      HTTP_PORT: '70000',
      LOG_LEVEL: 'loud',
      PROVIDER_TIMEOUT_MS: 'soon',
    });
    expect(problems).to.have.length(5);
    expect(problems.join('\n'))
      .to.include('TWILIO_ACCOUNT_SID must be a Twilio account SID')
      .and.include('HTTP_PORT must be a port number from 0 to 65535 (got "70000")')
      .and.include('LOG_LEVEL must be one of')
      .and.include('PROVIDER_TIMEOUT_MS must be a whole number')
      .and.include('TWILIO_AUTH_TOKEN is required when SERVICE_PROVIDER includes twilio');
  });

  it('names an unknown provider', () => {
    expect(problemsOf({ SERVICE_PROVIDER: 'nexmo' })).to.deep.equal([
      'SERVICE_PROVIDER must be one of twilio, kaleyra, sandbox, or an ordered list such as twilio,kaleyra (sandbox only alone) (got "nexmo")',
    ]);
  });

  it('never echoes a secret or a URL in its message', () => {
    const message = problemsOf({
      ...TWILIO,
      TWILIO_ACCOUNT_SID: 'ACnot-a-sid-s3cr3t',
      TWILIO_BASE_URL: 'http://user:hunter2@example.com',
    }).join('\n');
    expect(message).not.to.include('s3cr3t');
    expect(message).not.to.include('hunter2');
    expect(message).to.include('TWILIO_BASE_URL must be an https URL (http only for a loopback host)');
  });

  it('accepts plain http only for a loopback host', () => {
    expect(loadConfig({ ...TWILIO, TWILIO_BASE_URL: 'http://127.0.0.1:4010/' }).twilio?.baseUrl).to.equal('http://127.0.0.1:4010');
    expect(loadConfig({ ...TWILIO, TWILIO_BASE_URL: 'http://localhost:4010' }).twilio?.baseUrl).to.equal('http://localhost:4010');
    expect(loadConfig({ ...TWILIO, TWILIO_BASE_URL: 'http://[::1]:4010' }).twilio?.baseUrl).to.equal('http://[::1]:4010');
    expect(problemsOf({ ...TWILIO, TWILIO_BASE_URL: 'http://api.example.com' })).to.have.length(1);
    expect(problemsOf({ SERVICE_PROVIDER: 'kaleyra', KALEYRA_API_KEY: 'k', KALEYRA_SID: 's', KALEYRA_BASE_URL: 'http://10.0.0.1' })).to.have.length(1);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ HTTP_PORT: '', LOG_LEVEL: '' })).to.deep.include({ httpPort: 3000, logLevel: 'info' });
  });

  it('accepts the log levels of the service it replaces', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) {
      expect(loadConfig({ LOG_LEVEL: level }).logLevel).to.equal(level);
    }
  });

  it('reads SMART_ENCODING as true or false, off by default', () => {
    expect(loadConfig({}).smartEncoding).to.equal(false);
    expect(loadConfig({ SMART_ENCODING: 'true' }).smartEncoding).to.equal(true);
    expect(problemsOf({ SMART_ENCODING: 'yes' })).to.deep.equal(['SMART_ENCODING must be true or false (got "yes")']);
  });

  it('reads MAX_SEGMENTS as a whole number from 1, no cap by default', () => {
    expect(loadConfig({}).maxSegments).to.equal(undefined);
    expect(loadConfig({ MAX_SEGMENTS: '3' }).maxSegments).to.equal(3);
    expect(problemsOf({ MAX_SEGMENTS: '0' })).to.have.length(1);
    expect(problemsOf({ MAX_SEGMENTS: '2.5' })).to.have.length(1);
  });

  describe('guards', () => {
    it('defaults to 100 requests a minute, a 120 s back-off window with an 8 s maximum hold, no balance check, in memory, failing closed', () => {
      expect(loadConfig({}).guards).to.deep.equal({
        rateLimit: { enabled: true, maxRequests: 100, windowMs: 60_000 },
        backoff: { resetAfterMs: 120_000, maxWaitMs: 8_000 },
        balanceCheck: { twilio: false, kaleyra: false },
        allowedCallingCodes: undefined,
        blockedPrefixes: [],
        redisUrl: undefined,
        redisKeyPrefix: 'sms-service:',
        failOpen: false,
      });
    });

    it('refuses RATE_LIMIT_MAX_REQUESTS=0 and says how to switch the limit off', () => {
      expect(problemsOf({ RATE_LIMIT_MAX_REQUESTS: '0' })).to.deep.equal([
        'RATE_LIMIT_MAX_REQUESTS must be a whole number of at least 1 (to switch the limit off, set RATE_LIMIT_ENABLED=false) (got "0")',
      ]);
    });

    it('reads RATE_LIMIT_TIME_WINDOW as milliseconds or a duration, of whole seconds', () => {
      const windowOf = (value: string) => loadConfig({ RATE_LIMIT_TIME_WINDOW: value }).guards.rateLimit.windowMs;
      expect(windowOf('30000')).to.equal(30_000);
      expect(windowOf('30s')).to.equal(30_000);
      expect(windowOf('1 minute')).to.equal(60_000);
      expect(windowOf('1h')).to.equal(3_600_000);
      for (const bad of ['soon', '500', '1500', '2.5s', '0', '-1s']) expect(problemsOf({ RATE_LIMIT_TIME_WINDOW: bad }), bad).to.have.length(1);
    });

    it('reads the back-off settings in seconds; 0 switches it off', () => {
      expect(loadConfig({ EXPONENTIAL_DELAY_RESET_AFTER: '0', EXPONENTIAL_DELAY_MAX_WAIT: '4' }).guards.backoff).to.deep.equal({ resetAfterMs: 0, maxWaitMs: 4000 });
    });

    it('reads calling codes as real ones, and refuses a value that is no calling code', () => {
      expect(loadConfig({ ALLOWED_COUNTRY_CODES: '39, 44,+1' }).guards.allowedCallingCodes).to.deep.equal(['39', '44', '1']);
      expect(problemsOf({ ALLOWED_COUNTRY_CODES: '39,3,0' })).to.deep.equal([
        'ALLOWED_COUNTRY_CODES has "3", which is not a country calling code (e.g. 1, 39, 44, 91)',
        'ALLOWED_COUNTRY_CODES has "0", which is not a country calling code (e.g. 1, 39, 44, 91)',
      ]);
    });

    it('refuses an allow-list that names no calling code, which would refuse every receiver', () => {
      for (const empty of [',', ' , ,']) expect(problemsOf({ ALLOWED_COUNTRY_CODES: empty }), empty).to.have.length(1);
    });

    it('reads blocked prefixes as E.164 prefixes', () => {
      expect(loadConfig({ BLOCKED_PREFIXES: '+88213, +3367' }).guards.blockedPrefixes).to.deep.equal(['+88213', '+3367']);
      expect(problemsOf({ BLOCKED_PREFIXES: '88213' })).to.have.length(1);
    });

    it('takes a redis:// URL and never echoes it', () => {
      expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).guards.redisUrl).to.equal('redis://127.0.0.1:6379');
      const problems = problemsOf({ REDIS_URL: 'http://user:pw-secret@host' });
      expect(problems.join()).to.include('REDIS_URL must be').and.not.include('pw-secret');
    });
  });

  describe('providers, routes and resilience', () => {
    const KALEYRA = { KALEYRA_API_KEY: 'k-key', KALEYRA_SID: 'HXIN1234' };

    it('reads SERVICE_PROVIDER as an ordered list: the first is primary, each needs its credentials', () => {
      const config = loadConfig({ ...TWILIO, ...KALEYRA, SERVICE_PROVIDER: 'twilio, kaleyra' });
      expect(config.provider).to.equal('twilio');
      expect(config.providers).to.deep.equal(['twilio', 'kaleyra']);
      expect(config.routes).to.deep.equal([{ callingCode: '*', providers: ['twilio', 'kaleyra'] }]);
      expect(config.kaleyra?.sid).to.equal('HXIN1234');
      expect(problemsOf({ ...TWILIO, SERVICE_PROVIDER: 'twilio,kaleyra' })).to.deep.equal([
        'KALEYRA_API_KEY is required when SERVICE_PROVIDER includes kaleyra',
        'KALEYRA_SID is required when SERVICE_PROVIDER includes kaleyra',
      ]);
    });

    it('refuses the sandbox in a list, a provider named twice and an unknown one', () => {
      for (const value of ['sandbox,twilio', 'twilio,twilio', 'twilio,nexmo', ',']) {
        expect(problemsOf({ ...TWILIO, SERVICE_PROVIDER: value }).join(), value).to.include('SERVICE_PROVIDER must be');
      }
    });

    it('reads PROVIDER_ROUTES by calling code, tokens without = continuing the route before them', () => {
      const config = loadConfig({ ...TWILIO, ...KALEYRA, SERVICE_PROVIDER: 'twilio,kaleyra', PROVIDER_ROUTES: '91=kaleyra,*=twilio,kaleyra' });
      expect(config.routes).to.deep.equal([
        { callingCode: '91', providers: ['kaleyra'] },
        { callingCode: '*', providers: ['twilio', 'kaleyra'] },
      ]);
      const withoutStar = loadConfig({ ...TWILIO, ...KALEYRA, SERVICE_PROVIDER: 'twilio,kaleyra', PROVIDER_ROUTES: '+91=kaleyra,twilio' });
      expect(withoutStar.routes.at(-1)).to.deep.equal({ callingCode: '*', providers: ['twilio', 'kaleyra'] });
      expect(withoutStar.routes[0]).to.deep.equal({ callingCode: '91', providers: ['kaleyra', 'twilio'] });
    });

    it('refuses a route to an unconfigured provider, a code that is no calling code, and a provider before any code', () => {
      const problems = problemsOf({ ...TWILIO, PROVIDER_ROUTES: '91=kaleyra,3=twilio' }).join('\n');
      expect(problems).to.include('"91=kaleyra"').and.include('"3", which is neither * nor a country calling code');
      expect(problemsOf({ ...TWILIO, PROVIDER_ROUTES: 'twilio' }).join()).to.include('PROVIDER_ROUTES has "twilio"');
    });

    it('reads TWILIO_SENDER and KALEYRA_SENDER with the rule of a request\'s sender', () => {
      const config = loadConfig({ ...TWILIO, ...KALEYRA, SERVICE_PROVIDER: 'twilio,kaleyra', KALEYRA_SENDER: 'ACME', TWILIO_SENDER: '+15017122661' });
      expect(config.senders).to.deep.equal({ twilio: '+15017122661', kaleyra: 'ACME' });
      expect(problemsOf({ ...TWILIO, KALEYRA_SENDER: 'TOO LONG SENDER' }).join()).to.include('KALEYRA_SENDER must be');
    });

    it('defaults to 2 retries, a circuit opening after 5 failures for 30 s and keys kept 24 h', () => {
      const config = loadConfig(TWILIO);
      expect(config.resilience).to.deep.equal({ maxRetries: 2, circuitFailures: 5, circuitCooldownMs: 30_000 });
      expect(config.idempotencyTtlMs).to.equal(86_400_000);
      const custom = loadConfig({ ...TWILIO, PROVIDER_MAX_RETRIES: '0', CIRCUIT_FAILURES: '3', CIRCUIT_COOLDOWN: '2 minutes', IDEMPOTENCY_TTL: '1h' });
      expect(custom.resilience).to.deep.equal({ maxRetries: 0, circuitFailures: 3, circuitCooldownMs: 120_000 });
      expect(custom.idempotencyTtlMs).to.equal(3_600_000);
      expect(problemsOf({ ...TWILIO, PROVIDER_MAX_RETRIES: '11', CIRCUIT_FAILURES: '0', CIRCUIT_COOLDOWN: 'soon', IDEMPOTENCY_TTL: '90d' })).to.have.length(4);
    });
  });

  describe('access', () => {
    it('reads API_KEYS as a list of long keys, never echoing one', () => {
      expect(loadConfig({ API_KEYS: 'abcdefghijklmnop1, qrstuvwxyz0123456' }).apiKeys).to.deep.equal(['abcdefghijklmnop1', 'qrstuvwxyz0123456']);
      expect(loadConfig({}).apiKeys).to.deep.equal([]);
      const problems = problemsOf({ API_KEYS: 'short-secret,abcdefghijklmnop1' }).join();
      expect(problems).to.include('API_KEYS must be').and.not.include('short-secret');
    });

    it('reads TRUSTED_PROXIES as Express takes it, refusing what it would not', () => {
      expect(loadConfig({}).trustProxy).to.equal(false);
      expect(loadConfig({ TRUSTED_PROXIES: 'true' }).trustProxy).to.equal(true);
      expect(loadConfig({ TRUSTED_PROXIES: '2' }).trustProxy).to.equal(2);
      expect(loadConfig({ TRUSTED_PROXIES: 'loopback, 10.0.0.0/8, ::1' }).trustProxy).to.equal('loopback,10.0.0.0/8,::1');
      for (const bad of ['proxy.example.com', '10.0.0.0/33', 'loopback/8']) {
        expect(problemsOf({ TRUSTED_PROXIES: bad }).join(), bad).to.include('TRUSTED_PROXIES must be');
      }
    });
  });
});
