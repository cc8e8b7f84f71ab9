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
import { KaleyraSmsGateway } from '../../src/adapters/kaleyra/kaleyra-sms-gateway.js';
import { anSms } from '../support/builders.js';
import { expectEveryInterceptorCalled } from '../support/nock-scopes.js';
import { rejectionOf } from '../support/rejection.js';

const API = 'https://api.kaleyra.io';
const SID = 'HXAP1234567890IN';
const API_KEY = 'kaleyra-api-key-for-tests';
const PATH = `/v1/${SID}/messages`;

function gateway(timeoutMs = 2000): KaleyraSmsGateway {
  return new KaleyraSmsGateway({ baseUrl: API, apiKey: API_KEY, sid: SID, messageType: 'OTP', timeoutMs });
}

function accepted(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'ee8a1234-aaaa-bbbb-cccc-9b7171234d0d',
    sender: 'ACME',
    type: 'OTP',
    body: 'Your code is 123456',
    createdDateTime: '2021-08-13 12:53:52+00:00',
    totalCount: 1,
    data: [{ message_id: 'ee8a1234-aaaa-bbbb-cccc-9b7171234d0d:1', recipient: '15558675310' }],
    error: {},
    ...overrides,
  };
}

describe('KaleyraSmsGateway (contract)', () => {
  afterEach(expectEveryInterceptorCalled);

  it('POSTs to, sender, body and type as a form with the api-key header', async () => {
    const scope = nock(API)
      .post(PATH, (form: Record<string, string>) => {
        expect(form).to.deep.equal({ to: '+15558675310', sender: 'ACME', body: 'Your code is 123456', type: 'OTP' });
        return true;
      })
      .matchHeader('api-key', API_KEY)
      .matchHeader('content-type', /application\/x-www-form-urlencoded/)
      .reply(200, accepted());
    const receipt = await gateway().send(anSms({ sender: 'ACME' }));
    scope.done();
    expect(receipt).to.deep.equal({ provider: 'kaleyra', sid: 'ee8a1234-aaaa-bbbb-cccc-9b7171234d0d:1', status: 'queued' });
  });

  it('adds unicode=1 when the body needs UCS-2', async () => {
    const scope = nock(API)
      .post(PATH, (form: Record<string, string>) => form.unicode === '1' && form.body === 'Ciao ç')
      .reply(202, accepted());
    await gateway().send(anSms({ body: 'Ciao ç' }));
    scope.done();
  });

  it('falls back to the request id when no per-recipient message id comes back', async () => {
    nock(API).post(PATH).reply(202, accepted({ data: [] }));
    expect((await gateway().send(anSms())).sid).to.equal('ee8a1234-aaaa-bbbb-cccc-9b7171234d0d');
  });

  it("maps a 400 to a rejection carrying Kaleyra's code and text", async () => {
    nock(API).post(PATH).reply(400, { code: 'E414', message: 'Invalid recipient number', error: {} });
    const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
    expect(error).to.be.instanceOf(MessageRejectedError);
    expect(error.message).to.equal('Kaleyra rejected the message: Invalid recipient number (Kaleyra error E414)');
  });

  for (const status of [401, 403, 404]) {
    it(`maps a ${status} to an authentication error that carries no secret`, async () => {
      nock(API).post(PATH).reply(status, { code: 'E401', message: `bad key ${API_KEY}` });
      const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
      expect(error).to.be.instanceOf(ProviderAuthenticationError);
      expect(error.message).not.to.include(API_KEY);
    });
  }

  it('maps a 429 to rate limiting and keeps Retry-After', async () => {
    nock(API).post(PATH).reply(429, { code: 'E429', message: 'Too many requests' }, { 'Retry-After': '2' });
    expect(await rejectionOf<SmsGatewayError>(gateway().send(anSms()))).to.be.instanceOf(ProviderRateLimitedError).and.include({ retryAfterSeconds: 2 });
  });

  it('maps a 500 to a provider failure whose outcome is unknown', async () => {
    nock(API).post(PATH).reply(500, 'Internal Server Error');
    const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
    expect(error).to.be.instanceOf(ProviderFailureError).and.include({ providerStatus: 500, mayHaveBeenSent: true });
  });

  it('maps a 503 to a provider that did not process the message', async () => {
    nock(API).post(PATH).reply(503, 'Service Unavailable');
    expect(await rejectionOf<SmsGatewayError>(gateway().send(anSms()))).to.be.instanceOf(ProviderOverloadedError).and.include({ mayHaveBeenSent: false });
  });

  it('maps a 2xx whose error object is not empty to a provider failure', async () => {
    nock(API).post(PATH).reply(200, accepted({ error: { code: 'E900', message: 'Message could not be queued' } }));
    const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
    expect(error).to.be.instanceOf(ProviderFailureError);
    expect(error.message).to.include('Message could not be queued');
  });

  it('maps a 2xx whose error is a plain text to a provider failure', async () => {
    nock(API).post(PATH).reply(200, accepted({ error: 'Insufficient credits' }));
    const error = await rejectionOf<SmsGatewayError>(gateway().send(anSms()));
    expect(error).to.be.instanceOf(ProviderFailureError);
    expect(error.message).to.include('Insufficient credits');
  });

  it('maps an unparsable 2xx to a provider failure', async () => {
    nock(API).post(PATH).reply(200, '<html>oops</html>');
    expect(await rejectionOf<SmsGatewayError>(gateway().send(anSms()))).to.be.instanceOf(ProviderFailureError);
  });

  it('maps no answer within the timeout to a timeout, after one call', async () => {
    const scope = nock(API).post(PATH).times(2).delay(1000).reply(200, accepted());
    expect(await rejectionOf<SmsGatewayError>(gateway(150).send(anSms()))).to.be.instanceOf(ProviderTimeoutError);
    expect(scope.pendingMocks()).to.have.length(1);
    nock.cleanAll(); // the second reply is there to catch a retry, and must stay unused
  });

  it('maps a connection reset to a failure whose outcome is unknown', async () => {
    nock(API).post(PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    expect(await rejectionOf<SmsGatewayError>(gateway().send(anSms()))).to.be.instanceOf(ProviderFailureError).and.include({ providerCode: 'ECONNRESET' });
  });

  it('maps a refused connection to unavailable', async () => {
    nock(API).post(PATH).replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    expect(await rejectionOf<SmsGatewayError>(gateway().send(anSms()))).to.be.instanceOf(ProviderUnavailableError);
  });
});
