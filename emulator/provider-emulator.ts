import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
// Twilio's own published calculator, so the emulator's num_segments is independent of the service's count.
import { SegmentedMessage } from 'sms-segments-calculator';

/**
 * A loopback stand-in for Twilio's and Kaleyra's send APIs, for tests, demos and benchmarks. It never sends
 * anything. It counts the calls it receives, honours Twilio's test ("magic") numbers, and can be told to answer
 * late, answer with an error, hang, reset the connection or answer garbage.
 */

export type ProviderName = 'twilio' | 'kaleyra';

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'malformed' }
  | { kind: 'error-in-success' }
  | { kind: 'delay'; ms: number };

export interface FaultRule {
  readonly fault: Fault;
  /** Which provider's API it applies to; both when absent. */
  readonly provider?: ProviderName;
  /** How many calls it applies to; every call when absent. */
  times?: number;
}

export interface RecordedCall {
  readonly provider: ProviderName;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly form: Readonly<Record<string, string>>;
  readonly at: number;
  /** What the emulator did: the HTTP status it answered, or the fault it applied. */
  outcome: number | 'hang' | 'reset';
}

export interface EmulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** Added before every answer, in milliseconds. */
  readonly latencyMs?: number;
  /** Twilio auth token to require; any non-empty token passes when absent. */
  readonly twilioAuthToken?: string;
  /** Kaleyra api-key to require; any non-empty key passes when absent. */
  readonly kaleyraApiKey?: string;
  /** Calls kept for inspection (the count is kept for all). */
  readonly keepCalls?: number;
}

export interface Emulator {
  readonly url: string;
  readonly port: number;
  /** Balance calls received since start or the last reset, per provider. */
  balanceCount(provider: ProviderName): number;
  /** The balance each provider reports (100 at start), or 'error' to answer 500. */
  setBalance(provider: ProviderName, amount: number | 'error'): void;
  /** Number of send calls received since start or the last reset, per provider. */
  count(provider?: ProviderName): number;
  calls(provider?: ProviderName): readonly RecordedCall[];
  inject(rule: FaultRule): void;
  setLatency(ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

// Twilio's test credentials numbers: https://www.twilio.com/docs/iam/test-credentials
const TWILIO_MAGIC_RECEIVERS: Readonly<Record<string, { code: number; message: string }>> = {
  '+15005550001': { code: 21211, message: "The 'To' number is not a valid phone number." },
  '+15005550002': { code: 21612, message: "The 'To' phone number is not currently reachable via SMS." },
  '+15005550003': { code: 21408, message: 'Permission to send an SMS has not been enabled for the region indicated by the \'To\' number.' },
  '+15005550004': { code: 21610, message: "Attempt to send to unsubscribed recipient" },
  '+15005550009': { code: 21614, message: "'To' number is not a valid mobile number" },
};

const TWILIO_MAGIC_SENDERS: Readonly<Record<string, { code: number; message: string }>> = {
  '+15005550001': { code: 21212, message: "The 'From' number is not a valid phone number, shortcode, or alphanumeric sender ID." },
  '+15005550007': { code: 21606, message: "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination." },
  '+15005550008': { code: 21611, message: "This 'From' number has exceeded the maximum number of queued messages." },
};

const TWILIO_MESSAGES = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const KALEYRA_MESSAGES = /^\/v1\/([^/]+)\/messages$/;
const TWILIO_BALANCE = /^\/2010-04-01\/Accounts\/([^/]+)\/Balance\.json$/;
const KALEYRA_BALANCE = /^\/api\/v1\/([^/]+)\/billing$/;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  let latencyMs = options.latencyMs ?? 0;
  const keepCalls = options.keepCalls ?? 10_000;
  let rules: FaultRule[] = [];
  let recorded: RecordedCall[] = [];
  const counts: Record<ProviderName, number> = { twilio: 0, kaleyra: 0 };
  const balanceCounts: Record<ProviderName, number> = { twilio: 0, kaleyra: 0 };
  const balances: Record<ProviderName, number | 'error'> = { twilio: 100, kaleyra: 100 };
  const sockets = new Set<Socket>();

  const takeFault = (provider: ProviderName): Fault | undefined => {
    const rule = rules.find((r) => (r.provider === undefined || r.provider === provider) && (r.times ?? 1) > 0);
    if (rule === undefined) return undefined;
    if (rule.times !== undefined) rule.times -= 1;
    return rule.fault;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
      if (path.startsWith('/__emulator/')) {
        control(path, req.method ?? 'GET', raw, res);
        return;
      }
      if (req.method === 'GET' && (TWILIO_BALANCE.test(path) || KALEYRA_BALANCE.test(path))) {
        const balanceProvider: ProviderName = TWILIO_BALANCE.test(path) ? 'twilio' : 'kaleyra';
        balanceCounts[balanceProvider] += 1;
        answerBalance(balanceProvider, path, balances[balanceProvider], req, res, options);
        return;
      }
      const provider: ProviderName | undefined = TWILIO_MESSAGES.test(path)
        ? 'twilio'
        : KALEYRA_MESSAGES.test(path)
          ? 'kaleyra'
          : undefined;
      if (provider === undefined || req.method !== 'POST') {
        json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
        return;
      }
      counts[provider] += 1;
      const call: RecordedCall = {
        provider,
        method: req.method,
        path,
        headers: req.headers,
        form: parseForm(raw, req.headers['content-type']),
        at: Date.now(),
        outcome: 0,
      };
      recorded.push(call);
      if (recorded.length > keepCalls) recorded = recorded.slice(-keepCalls);
      const fault = takeFault(provider);
      const answer = (): void => {
        if (res.destroyed) return;
        if (fault !== undefined && fault.kind !== 'delay') applyFault(fault, provider, call, req, res);
        else if (provider === 'twilio') answerTwilio(path, req, call, res, options.twilioAuthToken);
        else answerKaleyra(path, req, call, res, options.kaleyraApiKey);
      };
      const wait = latencyMs + (fault?.kind === 'delay' ? fault.ms : 0);
      if (wait > 0) setTimeout(answer, wait);
      else answer();
    });
  });

  const control = (path: string, method: string, raw: string, res: http.ServerResponse): void => {
    if (path === '/__emulator/calls' && method === 'GET') {
      json(res, 200, { twilio: counts.twilio, kaleyra: counts.kaleyra, balanceCalls: balanceCounts, calls: recorded });
    } else if (path === '/__emulator/faults' && method === 'POST') {
      const rule = parseFaultRule(raw);
      if (rule === undefined) json(res, 400, { message: 'body must be a fault rule: {"fault": {"kind": …}, "times"?: n, "provider"?: "twilio"|"kaleyra"}' });
      else {
        rules.push(rule);
        json(res, 201, rule);
      }
    } else if (path === '/__emulator/latency' && method === 'POST') {
      const ms = Number((parseJson(raw) as { ms?: unknown } | undefined)?.ms);
      if (!Number.isFinite(ms) || ms < 0) json(res, 400, { message: 'body must be {"ms": a number of milliseconds}' });
      else {
        latencyMs = ms;
        json(res, 200, { latencyMs });
      }
    } else if (path === '/__emulator/balance' && method === 'POST') {
      const body = parseJson(raw) as { provider?: unknown; amount?: unknown } | undefined;
      const provider = body?.provider;
      const amount = body?.amount;
      if ((provider !== 'twilio' && provider !== 'kaleyra') || (amount !== 'error' && typeof amount !== 'number')) {
        json(res, 400, { message: 'body must be {"provider": "twilio"|"kaleyra", "amount": a number or "error"}' });
      } else {
        balances[provider] = amount;
        json(res, 200, { provider, amount });
      }
    } else if (path === '/__emulator/reset' && method === 'POST') {
      emulator.reset();
      json(res, 200, { reset: true });
    } else {
      json(res, 404, { message: 'unknown emulator control route' });
    }
  };

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 65_000;
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const emulator: Emulator = {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    count: (provider) => (provider === undefined ? counts.twilio + counts.kaleyra : counts[provider]),
    balanceCount: (provider) => balanceCounts[provider],
    setBalance: (provider, amount) => {
      balances[provider] = amount;
    },
    calls: (provider) => (provider === undefined ? recorded : recorded.filter((c) => c.provider === provider)),
    inject: (rule) => {
      rules.push({ ...rule });
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    reset: () => {
      rules = [];
      recorded = [];
      counts.twilio = 0;
      counts.kaleyra = 0;
      balanceCounts.twilio = 0;
      balanceCounts.kaleyra = 0;
      balances.twilio = 100;
      balances.kaleyra = 100;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
  return emulator;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** A fault rule from a control request, or undefined when it is not one the emulator can apply. */
export function parseFaultRule(raw: string): FaultRule | undefined {
  const rule = parseJson(raw) as { fault?: Record<string, unknown>; times?: unknown; provider?: unknown } | undefined;
  const fault = rule?.fault;
  if (typeof fault !== 'object' || fault === null) return undefined;
  const kindOk =
    (fault.kind === 'status' && Number.isInteger(fault.status) && (fault.status as number) >= 200 && (fault.status as number) <= 599) ||
    (fault.kind === 'delay' && typeof fault.ms === 'number' && fault.ms >= 0) ||
    ['hang', 'reset', 'malformed', 'error-in-success'].includes(fault.kind as string);
  const timesOk = rule?.times === undefined || (Number.isInteger(rule.times) && (rule.times as number) > 0);
  const providerOk = rule?.provider === undefined || rule.provider === 'twilio' || rule.provider === 'kaleyra';
  return kindOk && timesOk && providerOk ? (rule as FaultRule) : undefined;
}

function applyFault(fault: Fault, provider: ProviderName, call: RecordedCall, req: http.IncomingMessage, res: http.ServerResponse): void {
  switch (fault.kind) {
    case 'hang':
      call.outcome = 'hang';
      return;
    case 'reset':
      call.outcome = 'reset';
      req.socket.resetAndDestroy();
      return;
    case 'malformed':
      call.outcome = provider === 'twilio' ? 201 : 202;
      res.writeHead(call.outcome, { 'Content-Type': 'application/json' });
      res.end('{"sid": "SM');
      return;
    case 'error-in-success':
      call.outcome = 200;
      json(
        res,
        200,
        provider === 'twilio'
          ? { code: 30001, message: 'Queue overflow', more_info: 'https://www.twilio.com/docs/errors/30001', status: 500 }
          : { error: { code: 'E900', message: 'Message could not be queued' }, data: [] },
      );
      return;
    case 'status': {
      call.outcome = fault.status;
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
      const body = fault.body ?? (provider === 'twilio' ? twilioError(fault.status) : kaleyraError(fault.status));
      json(res, fault.status, body, headers);
      return;
    }
    case 'delay':
      return;
  }
}

function twilioError(status: number): unknown {
  const code = status === 429 ? 20429 : status === 401 ? 20003 : status >= 500 ? 20500 : 21600 + (status % 100);
  const message = status === 429 ? 'Too Many Requests' : status === 401 ? 'Authenticate' : status >= 500 ? 'Internal Server Error' : 'Bad request';
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

function kaleyraError(status: number): unknown {
  const message = status === 429 ? 'Too many requests' : status === 401 ? 'Invalid API key' : status >= 500 ? 'Internal server error' : 'Bad request';
  return { code: `E${status}`, message, error: { message } };
}

function answerTwilio(path: string, req: http.IncomingMessage, call: RecordedCall, res: http.ServerResponse, requiredToken?: string): void {
  const accountSid = TWILIO_MESSAGES.exec(path)?.[1] ?? '';
  const [user, password] = basicAuth(req.headers.authorization);
  const fail = (status: number, code: number, message: string): void => {
    call.outcome = status;
    json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
  };
  if (user !== accountSid || password === '' || (requiredToken !== undefined && password !== requiredToken)) {
    fail(401, 20003, 'Authenticate');
    return;
  }
  const { To: to, From: from, Body: body } = call.form;
  if (to === undefined || to === '') return fail(400, 21604, "A 'To' phone number is required.");
  if (from === undefined || from === '') return fail(400, 21603, "A 'From' phone number is required.");
  if (body === undefined || body === '') return fail(400, 21602, 'Message body is required.');
  if (body.length > 1600) return fail(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  const magic = TWILIO_MAGIC_SENDERS[from] ?? TWILIO_MAGIC_RECEIVERS[to];
  if (magic !== undefined) return fail(400, magic.code, magic.message);
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const now = new Date().toUTCString().replace('GMT', '+0000');
  call.outcome = 201;
  json(res, 201, {
    account_sid: accountSid,
    api_version: '2010-04-01',
    body,
    date_created: now,
    date_sent: null,
    date_updated: now,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: String(new SegmentedMessage(body).segmentsCount),
    price: null,
    price_unit: 'USD',
    sid,
    status: 'queued',
    subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
    to,
    uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
  });
}

function answerKaleyra(path: string, req: http.IncomingMessage, call: RecordedCall, res: http.ServerResponse, requiredKey?: string): void {
  const apiKey = req.headers['api-key'];
  const fail = (status: number, code: string, message: string): void => {
    call.outcome = status;
    json(res, status, { code, message, error: { code, message }, data: [] });
  };
  if (typeof apiKey !== 'string' || apiKey === '' || (requiredKey !== undefined && apiKey !== requiredKey)) {
    fail(401, 'E401', 'Invalid API key');
    return;
  }
  const { to, sender, body, type } = call.form;
  if (to === undefined || to === '') return fail(400, 'E411', 'Missing recipient number');
  if (sender === undefined || sender === '') return fail(400, 'E412', 'Missing sender');
  if (body === undefined || body === '') return fail(400, 'E413', 'Missing message body');
  if (TWILIO_MAGIC_RECEIVERS[to] !== undefined) return fail(400, 'E414', 'Invalid recipient number');
  const id = randomUUID();
  call.outcome = 202;
  json(res, 202, {
    id,
    sender,
    type: type ?? 'DEFAULT',
    body,
    createdDateTime: new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, '+00:00'),
    totalCount: 1,
    data: [{ message_id: `${id}:1`, recipient: to.replace(/^\+/, '') }],
    dlrurl: null,
    error: {},
    ...(call.form.unicode === undefined ? {} : { unicode: Number(call.form.unicode) }),
  });
}

function answerBalance(
  provider: ProviderName,
  path: string,
  amount: number | 'error',
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: EmulatorOptions,
): void {
  if (provider === 'twilio') {
    const accountSid = TWILIO_BALANCE.exec(path)?.[1] ?? '';
    const [user, password] = basicAuth(req.headers.authorization);
    if (user !== accountSid || password === '' || (options.twilioAuthToken !== undefined && password !== options.twilioAuthToken)) {
      json(res, 401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    } else if (amount === 'error') {
      json(res, 500, { code: 20500, message: 'Internal Server Error', status: 500 });
    } else {
      json(res, 200, { account_sid: accountSid, balance: amount.toFixed(5), currency: 'USD' });
    }
    return;
  }
  const apiKey = req.headers['api-key'];
  if (typeof apiKey !== 'string' || apiKey === '' || (options.kaleyraApiKey !== undefined && apiKey !== options.kaleyraApiKey)) {
    json(res, 401, { code: 'E401', message: 'Invalid API key' });
  } else if (amount === 'error') {
    json(res, 500, { code: 'E500', message: 'Internal server error' });
  } else {
    json(res, 200, {
      code: 'RBC103',
      message: 'Request successfully executed!',
      data: [{ account_type: 'prepaid', balance_amount: amount.toFixed(2), currency_symbol: '₹', auto_debit: false }],
    });
  }
}

function basicAuth(header: string | undefined): [string, string] {
  if (header === undefined || !header.startsWith('Basic ')) return ['', ''];
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

function parseForm(raw: string, contentType: string | undefined): Record<string, string> {
  if (contentType?.includes('application/json') === true) {
    try {
      return Object.fromEntries(Object.entries(JSON.parse(raw) as object).map(([k, v]) => [k, String(v)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}
