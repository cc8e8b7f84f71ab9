/** Twilio's error body (REST API 2010-04-01): https://www.twilio.com/docs/usage/twilios-response */
export interface TwilioErrorBody {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

/** Twilio's answer to a request it did not accept, as raised by TwilioHttpClient. */
export class TwilioHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, unknown>>,
  ) {
    super(`Twilio answered HTTP ${status}`);
    this.name = 'TwilioHttpError';
  }

  get errorBody(): TwilioErrorBody {
    if (typeof this.body === 'object' && this.body !== null) return this.body as TwilioErrorBody;
    if (typeof this.body === 'string') {
      try {
        const parsed: unknown = JSON.parse(this.body);
        if (typeof parsed === 'object' && parsed !== null) return parsed as TwilioErrorBody;
      } catch {
        // not JSON: there is no code or message to report
      }
    }
    return {};
  }
}
