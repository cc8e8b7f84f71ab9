import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Sms } from '../../domain/sms.js';
import {
  ProviderFailureError,
  type SendOptions,
  type SmsGateway,
  type SmsGatewayError,
  type SmsReceipt,
} from '../../application/ports/sms-gateway.js';
import type { Balance, ProviderBalance } from '../../application/ports/provider-balance.js';
import { keepAliveAgents } from '../provider-http/keep-alive-agents.js';
import { translateHttpAnswer } from '../provider-http/status-errors.js';
import { translateTransportError } from '../provider-http/transport-errors.js';
import type { KaleyraErrorBody, KaleyraMessageType, KaleyraSendResponse } from './kaleyra-api-types.js';

export interface KaleyraGatewayConfig {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly sid: string;
  readonly messageType: KaleyraMessageType;
  readonly timeoutMs: number;
}

const PROVIDER = 'kaleyra';
const LABELS = { provider: PROVIDER, name: 'Kaleyra', credentialSettings: 'KALEYRA_API_KEY and KALEYRA_SID' };

/** Sends through Kaleyra's SMS API v1 (`POST {base}/v1/{sid}/messages`, form fields, `api-key` header). */
export class KaleyraSmsGateway implements SmsGateway, ProviderBalance {
  readonly provider = PROVIDER;
  private readonly http: AxiosInstance;

  constructor(private readonly config: KaleyraGatewayConfig) {
    const agents = keepAliveAgents();
    this.http = axios.create({
      baseURL: config.baseUrl.replace(/\/+$/, ''),
      timeout: config.timeoutMs,
      headers: { 'api-key': config.apiKey, Accept: 'application/json' },
      httpAgent: agents.http,
      httpsAgent: agents.https,
      maxRedirects: 0,
      proxy: false,
      validateStatus: () => true,
    });
  }

  async send(sms: Sms, options: SendOptions = {}): Promise<SmsReceipt> {
    const timeoutMs = Math.max(1, Math.min(this.config.timeoutMs, options.timeoutMs ?? this.config.timeoutMs));
    const form = new URLSearchParams({
      to: sms.receiver.value,
      sender: sms.sender.value,
      body: sms.body.value,
      type: this.config.messageType,
    });
    if (sms.segments.encoding === 'UCS-2') form.set('unicode', '1');
    let response: AxiosResponse<unknown>;
    try {
      response = await this.http.post(`/v1/${encodeURIComponent(this.config.sid)}/messages`, form.toString(), {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw translateTransportError(PROVIDER, 'Kaleyra', error) ??
        new ProviderFailureError(PROVIDER, 'Kaleyra request failed unexpectedly', { mayHaveBeenSent: true });
    }
    if (response.status >= 200 && response.status < 300) return toReceipt(response.data);
    throw translateHttpError(response);
  }

  /** Kaleyra's account billing details, `GET {base}/api/v1/{sid}/billing`: the prepaid balance amount. */
  async fetchBalance(): Promise<Balance> {
    let response: AxiosResponse<unknown>;
    try {
      response = await this.http.get(`/api/v1/${encodeURIComponent(this.config.sid)}/billing`, {
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (error) {
      throw translateTransportError(PROVIDER, 'Kaleyra', error) ?? new ProviderFailureError(PROVIDER, 'Kaleyra balance request failed');
    }
    if (response.status < 200 || response.status >= 300) throw translateHttpError(response);
    const amount = readBalance(response.data);
    if (amount === undefined) throw new ProviderFailureError(PROVIDER, 'Kaleyra answered no prepaid balance amount');
    return { amount };
  }
}

/** The balance amount, wherever Kaleyra's billing answer carries it (top level or its first data entry). */
function readBalance(data: unknown): number | undefined {
  const body = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const entry = Array.isArray(body.data) ? (body.data[0] as Record<string, unknown> | undefined) : (body.data as Record<string, unknown> | undefined);
  for (const source of [entry, body]) {
    for (const key of ['balance_amount', 'balanceAmount', 'balance']) {
      const value = source?.[key];
      const amount = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (Number.isFinite(amount)) return amount;
    }
  }
  return undefined;
}

function toReceipt(data: unknown): SmsReceipt {
  if (typeof data !== 'object' || data === null) {
    throw new ProviderFailureError(PROVIDER, 'Kaleyra answered with a body that could not be read', { mayHaveBeenSent: true });
  }
  const body = data as KaleyraSendResponse;
  const reported = describeError(body.error);
  if (reported !== undefined) {
    throw new ProviderFailureError(PROVIDER, `Kaleyra reported an error in a success answer: ${reported}`, { mayHaveBeenSent: true });
  }
  const sid = body.data?.[0]?.message_id ?? body.id;
  if (typeof sid !== 'string' || sid === '') {
    throw new ProviderFailureError(PROVIDER, 'Kaleyra answered 2xx without a message id', { mayHaveBeenSent: true });
  }
  // Kaleyra has accepted the message for delivery: the same state Twilio calls `queued`.
  return { provider: PROVIDER, sid, status: 'queued' };
}

function translateHttpError(response: AxiosResponse<unknown>): SmsGatewayError {
  const body = (typeof response.data === 'object' && response.data !== null ? response.data : {}) as KaleyraErrorBody;
  return translateHttpAnswer(LABELS, {
    status: response.status,
    code: typeof body.code === 'string' ? body.code : undefined,
    message: typeof body.message === 'string' && body.message !== '' ? body.message : describeError(body.error),
    retryAfterHeader: response.headers['retry-after'],
  });
}

function describeError(error: unknown): string | undefined {
  if (typeof error === 'string') return error === '' ? undefined : error;
  if (typeof error !== 'object' || error === null || Object.keys(error).length === 0) return undefined;
  const { message, code } = error as { message?: unknown; code?: unknown };
  if (typeof message === 'string') return typeof code === 'string' ? `${message} (${code})` : message;
  return JSON.stringify(error).slice(0, 200);
}
