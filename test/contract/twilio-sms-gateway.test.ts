import { expect } from 'chai';
import nock from 'nock';
import {
  MessageRejectedError,
  ProviderAuthenticationError,
  ProviderFailureError,
  ProviderOverloadedError,
  ProviderRateLimitedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  type SmsGatewayError,
} from '../../src/application/ports/sms-gateway.js';
import { TwilioSmsGateway } from '../../src/adapters/twilio/twilio-sms-gateway.js';
import { anSms } from '../support/builders.js';
import { expectEveryInterceptorCalled } from '../support/nock-scopes.js';
import { rejectionOf } from '../support/rejection.js';

const ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
const AUTH_TOKEN = 'twilio-auth-token-for-tests';
const API = 'https://api.twilio.com';
const PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
const BASIC = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;

function gateway(timeoutMs = 2000): TwilioSmsGateway {
  return new TwilioSmsGateway({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: API, timeoutMs });
}

function created(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sid: 'SM0123456789abcdef0123456789abcdef',
    status: 'queued',
    num_segments: '1',
    to: '+15558675310',
    from: '+15017122661',
    body: 'Your code is 123456',
    date_created: 'Fri, 13 Aug 2021 12:53:52 +0000',
    error_code: null,
    error_message: null,
    ...overrides,
  };
}

describe('TwilioSmsGateway (contract)', () => {
  afterEach(expectEveryInterceptorCalled);

  it('POSTs To, From and Body as a form to the Messages resource with Basic auth', async () => {
    const scope = nock(API)
      .post(PATH, (form: Record<string, string>) => {
        expect(form).to.deep.equal({ To: '+15558675310', From: '+15017122661', Body: 'Your code is 123456' });
        return true;
      })
      .matchHeader('authorization', BASIC)
      .matchHeader('content-type', /application\/x-www-form-urlencoded/)
      .reply(201, created());
    const receipt = await gateway().send(anSms());
    scope.done();
    expect(receipt).to.deep.equal({ provider: 'twilio', sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued', numSegments: 1 });
  });

  it('sends an alphanumeric sender as From and the body untouched, emoji included', async () => {
    const scope = nock(API)
      .post(PATH, (form: Record<string, string>) => form.From === 'ACME' && form.Body === 'Hi 😀 {ok}')
      .reply(201, created());
    await gateway().send(anSms({ sender: 'ACME', body: 'Hi 😀 {ok}' }));
    scope.done();
  });

  it("answers Twilio's num_segments and status, e.g. accepted from a messaging service", async () => {
    nock(API).post(PATH).reply(201, created({ status: 'accepted', num_segments: '3' }));
    expect(await gateway().send(anSms())).to.include({ status: 'accepted', numSegments: 3 });
  });

  for (const numSegments of ['0', undefined, null, 'many']) {
    it(`leaves the count to the domain when num_segments is ${String(numSegments)}`, async () => {
      nock(API).post(PATH).reply(201, created({ num_segments: numSegments }));
      expect(await gateway().send(anSms())).not.to.have.property('numSegments');
    });
  }

  it('takes a 202 as acceptance too', async () => {
    nock(API).post(PATH).reply(202, created());
    expect((await gateway().send(anSms())).sid).to.equal('SM0123456789abcdef0123456789abcdef');
  });

  it("maps a 400 to a rejection carrying Twilio's code and text", async () => {
    nock(API).post(PATH).reply(400, { code: 21211, message: "The 'To' number +15558675310 is not a valid phone number.", more_info: 'x', status: 400 });
    const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
    expect(error).to.be.instanceOf(MessageRejectedError);
    expect(error.message).to.equal("Twilio rejected the message: The 'To' number +15558675310 is not a valid phone number. (Twilio error 21211)");
    expect(error).to.include({ providerCode: 21211, providerStatus: 400 });
  });

  for (const status of [401, 403, 404]) {
    it(`maps a ${status} to an authentication error that carries no secret`, async () => {
      nock(API).post(PATH).reply(status, { code: 20003, message: `Authenticate ${ACCOUNT_SID}`, status });
      const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
      expect(error).to.be.instanceOf(ProviderAuthenticationError);
      expect(error.message).not.to.include(AUTH_TOKEN).and.not.to.include(ACCOUNT_SID);
    });
  }

  it('maps a 429 to rate limiting and keeps Retry-After', async () => {
    nock(API).post(PATH).reply(429, { code: 20429, message: 'Too Many Requests', status: 429 }, { 'Retry-After': '7' });
    const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
    expect(error).to.be.instanceOf(ProviderRateLimitedError);
    expect(error).to.include({ retryAfterSeconds: 7, providerCode: 20429 });
  });

  it('maps a 429 without Retry-After to rate limiting without a wait', async () => {
    nock(API).post(PATH).reply(429, { code: 20429, message: 'Too Many Requests', status: 429 });
    const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
    expect(error).to.be.instanceOf(ProviderRateLimitedError).and.have.property('retryAfterSeconds', undefined);
  });

  it('makes exactly one call on a 429: the SDK does not retry on its own', async () => {
    const scope = nock(API).post(PATH).times(2).reply(429, { code: 20429, message: 'Too Many Requests', status: 429 });
    await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
    expect(scope.pendingMocks()).to.have.length(1);
    nock.cleanAll(); // the second reply is there to catch a retry, and must stay unused
  });

  for (const status of [500, 502, 504]) {
    it(`maps a ${status} to a provider failure whose outcome is unknown`, async () => {
      const scope = nock(API).post(PATH).reply(status, { code: 20500, message: 'Internal Server Error', status });
      const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
      scope.done();
      expect(error).to.be.instanceOf(ProviderFailureError).and.not.be.instanceOf(ProviderOverloadedError);
      expect(error).to.include({ providerStatus: status, mayHaveBeenSent: true });
    });
  }

  it('maps a 503 to a provider that did not process the message, keeping Retry-After', async () => {
    const scope = nock(API).post(PATH).reply(503, { code: 20503, message: 'Service Unavailable', status: 503 }, { 'Retry-After': '7' });
    const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
    scope.done();
    expect(error).to.be.instanceOf(ProviderOverloadedError).and.include({ providerStatus: 503, mayHaveBeenSent: false, retryAfterSeconds: 7 });
  });

  it('maps a 2xx that carries an error object to a provider failure', async () => {
    nock(API).post(PATH).reply(200, { code: 30001, message: 'Queue overflow', status: 500 });
    const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
    expect(error).to.be.instanceOf(ProviderFailureError);
    expect(error.message).to.include('Queue overflow').and.include('30001');
  });

  it('maps a 2xx reporting a failed message to a provider failure: the message exists, so it may have gone out', async () => {
    nock(API).post(PATH).reply(201, created({ status: 'failed', error_code: 30007, error_message: 'Carrier violation' }));
    const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
    expect(error).to.be.instanceOf(ProviderFailureError).and.include({ providerCode: 30007, mayHaveBeenSent: true });
  });

  it('maps a queued message that carries an error code to a failure that may have gone out', async () => {
    nock(API).post(PATH).reply(201, created({ status: 'queued', error_code: 30001, error_message: 'Queue overflow' }));
    expect(await rejectionOf<SmsGatewayError>(gateway().send(anSms()))).to.include({ providerCode: 30001, mayHaveBeenSent: true });
  });

  it('maps an unparsable 2xx to a provider failure', async () => {
    nock(API).post(PATH).reply(201, '{"sid": "SM', { 'Content-Type': 'application/json' });
    expect(await rejectionOf<SmsGatewayError>(gateway().send(anSms()))).to.be.instanceOf(ProviderFailureError);
  });

  it('maps a 2xx without a sid to a provider failure', async () => {
    nock(API).post(PATH).reply(201, { status: 'queued' });
    expect(await rejectionOf<SmsGatewayError>(gateway().send(anSms()))).to.be.instanceOf(ProviderFailureError);
  });

  it('maps no answer within the timeout to a timeout, after one call', async () => {
    const scope = nock(API).post(PATH).times(2).delay(1000).reply(201, created());
    const error = await rejectionOf<SmsGatewayError>(gateway(150).send(anSms()));
    expect(error).to.be.instanceOf(ProviderTimeoutError);
    expect(scope.pendingMocks()).to.have.length(1);
    nock.cleanAll(); // the second reply is there to catch a retry, and must stay unused
  });

  it("bounds one call by the caller's shorter deadline, and the next call by the client's own again", async () => {
    nock(API).post(PATH).delay(400).reply(201, created());
    const twilio = gateway(2000);
    expect(await rejectionOf(twilio.send(anSms(), { timeoutMs: 100 }))).to.be.instanceOf(ProviderTimeoutError);
    nock(API).post(PATH).delay(400).reply(201, created());
    expect(await twilio.send(anSms())).to.include({ sid: 'SM0123456789abcdef0123456789abcdef' });
  });

  it('maps a connection reset to a failure whose outcome is unknown', async () => {
    nock(API).post(PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
    expect(error).to.be.instanceOf(ProviderFailureError).and.include({ providerCode: 'ECONNRESET' });
    expect(error.message).to.include('may have been sent');
  });

  it('maps a DNS failure to unavailable', async () => {
    nock(API).post(PATH).replyWithError({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND api.twilio.com' });
    expect(await rejectionOf(gateway().send(anSms()))).to.be.instanceOf(ProviderUnavailableError);
  });

  it('maps a refused connection to unavailable', async () => {
    nock(API).post(PATH).replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    expect(await rejectionOf<SmsGatewayError>(gateway().send(anSms()))).to.be.instanceOf(ProviderUnavailableError);
  });
});
