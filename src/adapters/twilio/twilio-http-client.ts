import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import https from 'node:https';
import twilio from 'twilio';
import { TwilioHttpError } from './twilio-api-types.js';

import type RequestClient from 'twilio/lib/base/RequestClient.js';

// The SDK passes no per-call options down to its request client: a shorter deadline for one call travels here.
const callTimeout = new AsyncLocalStorage<number>();

/** Runs `call` with every Twilio request in it bounded by `timeoutMs` (when shorter than the client's own). */
export function withCallTimeout<T>(timeoutMs: number | undefined, call: () => Promise<T>): Promise<T> {
  return timeoutMs === undefined ? call() : callTimeout.run(timeoutMs, call);
}

/**
 * The SDK's own request client with three changes: requests go to `baseUrl` instead of https://api.twilio.com
 * (so a Twilio-compatible server or the emulator can stand in), every request has a hard deadline, and a
 * non-2xx answer is raised with its status, body and headers (the SDK's own exception drops Retry-After).
 * Keep-alive agents are reused for both http and https.
 */
export class TwilioHttpClient extends twilio.RequestClient {
  private readonly origin: string;

  constructor(
    baseUrl: string,
    private readonly timeoutMs: number,
  ) {
    super({ timeout: timeoutMs, keepAlive: true, autoRetry: false, maxSockets: Infinity, maxTotalSockets: Infinity });
    this.origin = baseUrl.replace(/\/+$/, '');
    const agentOptions = { keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' as const };
    this.axios.defaults.httpAgent = new http.Agent(agentOptions);
    this.axios.defaults.httpsAgent = new https.Agent(agentOptions);
    // The axios timeout only bounds socket inactivity; this bounds the whole exchange.
    this.axios.interceptors.request.use((config) => {
      config.signal ??= AbortSignal.timeout(this.currentTimeoutMs());
      return config;
    });
  }

  override async request<TData>(
    opts: RequestClient.RequestOptions<TData>,
  ): Promise<{ statusCode: number; body: TData; headers: unknown }> {
    const target = new URL(opts.uri);
    const response = await super.request<TData>({
      ...opts,
      uri: `${this.origin}${target.pathname}${target.search}`,
      timeout: this.currentTimeoutMs(),
    });
    if (response.statusCode < 200 || response.statusCode >= 300 || reportsError(response.body)) {
      throw new TwilioHttpError(response.statusCode, response.body, (response.headers ?? {}) as Record<string, unknown>);
    }
    return response;
  }

  private currentTimeoutMs(): number {
    return Math.max(1, Math.min(this.timeoutMs, callTimeout.getStore() ?? this.timeoutMs));
  }
}

/** A 2xx body that is Twilio's error object rather than a resource. */
function reportsError(body: unknown): boolean {
  const parsed = typeof body === 'string' ? tryParse(body) : body;
  return typeof parsed === 'object' && parsed !== null && 'code' in parsed && 'message' in parsed && !('sid' in parsed);
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
