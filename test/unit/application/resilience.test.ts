import { expect } from 'chai';
import { CircuitBreakingSmsGateway } from '../../../src/adapters/resilience/circuit-breaking-sms-gateway.js';
import { callingCodeOf } from '../../../src/adapters/numbering-plan/calling-codes.js';
import { ProviderBalanceExhaustedError } from '../../../src/application/guards/guard-errors.js';
import {
  MessageRejectedError,
  ProviderFailureError,
  ProviderOverloadedError,
  ProviderRateLimitedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../../../src/application/ports/sms-gateway.js';
import { FailoverSmsGateway } from '../../../src/application/resilience/failover-sms-gateway.js';
import { RetryingSmsGateway, type RetrySettings } from '../../../src/application/resilience/retrying-sms-gateway.js';
import { SenderId } from '../../../src/domain/sender-id.js';
import { anSms } from '../../support/builders.js';
import { FakeClock } from '../../support/fake-clock.js';
import { InMemorySmsGateway } from '../../support/in-memory-sms-gateway.js';
import { silentLogger } from '../../support/log-capture.js';
import { rejectionOf } from '../../support/rejection.js';

const rateLimited = (retryAfterSeconds?: number) =>
  new ProviderRateLimitedError('twilio', 'Twilio is rate limiting requests (Twilio error 20429)', { providerStatus: 429, retryAfterSeconds });
const refused = () => new ProviderUnavailableError('twilio', 'Twilio could not be reached (ECONNREFUSED)', { providerCode: 'ECONNREFUSED' });

describe('RetryingSmsGateway', () => {
  const settings: RetrySettings = { maxRetries: 2, budgetMs: 10_000, baseDelayMs: 100, maxDelayMs: 2000 };

  /** Runs a send to its end, moving the fake clock past every back-off it sleeps. */
  async function sendThrough(inner: InMemorySmsGateway, clock: FakeClock, overrides: Partial<RetrySettings> = {}, random = () => 0.5) {
    const gateway = new RetryingSmsGateway(inner, clock, silentLogger, { ...settings, ...overrides }, random);
    const sleeps: number[] = [];
    const pending = gateway.send(anSms()).then(
      (receipt) => ({ receipt, error: undefined }),
      (error: unknown) => ({ receipt: undefined, error }),
    );
    let settled = false;
    void pending.then(() => (settled = true));
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      const [next] = clock.pendingSleeps;
      if (next !== undefined) {
        sleeps.push(next);
        clock.advance(next);
      }
    }
    return { ...(await pending), sleeps };
  }

  it('retries a 429 and a refused connection, then sends', async () => {
    const inner = new InMemorySmsGateway('twilio').failNext(rateLimited(), refused());
    const { receipt, sleeps } = await sendThrough(inner, new FakeClock());
    expect(receipt?.sid).to.be.a('string');
    expect(inner.attempts).to.have.length(3);
    expect(inner.sent).to.have.length(1);
    // Full jitter: a random share (0.5 here) of 100 ms, then of 200 ms.
    expect(sleeps).to.deep.equal([50, 100]);
  });

  it('waits what Retry-After says instead of its own back-off', async () => {
    const inner = new InMemorySmsGateway('twilio').failNext(rateLimited(3));
    const { sleeps } = await sendThrough(inner, new FakeClock());
    expect(sleeps).to.deep.equal([3000]);
    expect(inner.attempts).to.have.length(2);
  });

  it('gives up after PROVIDER_MAX_RETRIES retries with the last error', async () => {
    const inner = new InMemorySmsGateway('twilio').failWith(rateLimited());
    const { error } = await sendThrough(inner, new FakeClock());
    expect(error).to.be.instanceOf(ProviderRateLimitedError);
    expect(inner.attempts).to.have.length(3);
  });

  it('makes no retry with PROVIDER_MAX_RETRIES=0', async () => {
    const inner = new InMemorySmsGateway('twilio').failWith(rateLimited());
    await sendThrough(inner, new FakeClock(), { maxRetries: 0 });
    expect(inner.attempts).to.have.length(1);
  });

  it('never waits past its budget: a Retry-After beyond it ends the retries at once', async () => {
    const inner = new InMemorySmsGateway('twilio').failNext(rateLimited(11));
    const { error, sleeps } = await sendThrough(inner, new FakeClock());
    expect(error).to.be.instanceOf(ProviderRateLimitedError);
    expect(sleeps).to.deep.equal([]);
    expect(inner.attempts).to.have.length(1);
  });

  it('gives each attempt only the time left of the budget', async () => {
    const inner = new InMemorySmsGateway('twilio').failNext(rateLimited(2));
    await sendThrough(inner, new FakeClock());
    expect(inner.attempts.map((attempt) => attempt.options?.timeoutMs)).to.deep.equal([10_000, 8_000]);
  });

  const neverRetried = [
    ['a timeout', new ProviderTimeoutError('twilio', 'no answer in time')],
    ['a reset after the request was written', new ProviderFailureError('twilio', 'reset', { providerCode: 'ECONNRESET', mayHaveBeenSent: true })],
    ['a 5xx', new ProviderFailureError('twilio', 'HTTP 500', { providerStatus: 500, mayHaveBeenSent: true })],
    ['a 503', new ProviderOverloadedError('twilio', 'HTTP 503', { providerStatus: 503 })],
    ['a rejection of the message', new MessageRejectedError('twilio', 'invalid To', { providerStatus: 400 })],
  ] as const;
  for (const [what, error] of neverRetried) {
    it(`never retries ${what}`, async () => {
      const inner = new InMemorySmsGateway('twilio').failNext(error);
      const outcome = await sendThrough(inner, new FakeClock());
      expect(outcome.error).to.equal(error);
      expect(inner.attempts).to.have.length(1);
    });
  }
});

describe('FailoverSmsGateway', () => {
  const build = (routes = [{ callingCode: '*', providers: ['twilio', 'kaleyra'] }], senders = new Map([['kaleyra', SenderId.parse('KALEYRA')]])) => {
    const twilio = new InMemorySmsGateway('twilio');
    const kaleyra = new InMemorySmsGateway('kaleyra');
    const gateway = new FailoverSmsGateway(
      new Map([
        ['twilio', twilio],
        ['kaleyra', kaleyra],
      ]),
      { primary: 'twilio', routes, senders },
      { callingCodeOf },
      silentLogger,
    );
    return { gateway, twilio, kaleyra };
  };

  it('sends through the first provider and says so', async () => {
    const { gateway, twilio, kaleyra } = build();
    const receipt = await gateway.send(anSms());
    expect(receipt.provider).to.equal('twilio');
    expect(twilio.sent).to.have.length(1);
    expect(kaleyra.attempts).to.have.length(0);
    expect(twilio.sent[0]?.sender.value).to.equal('+15017122661');
  });

  const unavailable = [
    ['unreachable', refused()],
    ['a 503 (the provider did not process it)', new ProviderOverloadedError('twilio', 'HTTP 503', { providerStatus: 503 })],
    ['a 429 after retries', rateLimited()],
    ['an open circuit', new ProviderUnavailableError('twilio', 'circuit open', { providerCode: 'CIRCUIT_OPEN' })],
    ['an empty balance', new ProviderBalanceExhaustedError('twilio')],
  ] as const;
  for (const [what, error] of unavailable) {
    it(`fails over on ${what}, with the next provider's own sender`, async () => {
      const { gateway, twilio, kaleyra } = build();
      twilio.failNext(error);
      const receipt = await gateway.send(anSms());
      expect(receipt.provider).to.equal('kaleyra');
      expect(kaleyra.sent.map((sms) => sms.sender.value)).to.deep.equal(['KALEYRA']);
      expect(twilio.sent).to.have.length(0);
    });
  }

  const final = [
    ['a rejection of the message (4xx)', new MessageRejectedError('twilio', 'invalid To', { providerStatus: 400 })],
    ['a timeout (it may have been sent)', new ProviderTimeoutError('twilio', 'no answer in time')],
    ['a 500 (it may have been created)', new ProviderFailureError('twilio', 'HTTP 500', { providerStatus: 500, mayHaveBeenSent: true })],
    ['a reset after writing', new ProviderFailureError('twilio', 'reset', { providerCode: 'ECONNRESET', mayHaveBeenSent: true })],
    ['an unreadable 2xx', new ProviderFailureError('twilio', 'garbage', { mayHaveBeenSent: true })],
  ] as const;
  for (const [what, error] of final) {
    it(`never fails over on ${what}`, async () => {
      const { gateway, twilio, kaleyra } = build();
      twilio.failNext(error);
      expect(await rejectionOf(gateway.send(anSms()))).to.equal(error);
      expect(kaleyra.attempts).to.have.length(0);
    });
  }

  it('answers the last provider\'s error when every one is unavailable', async () => {
    const { gateway, twilio, kaleyra } = build();
    twilio.failWith(refused());
    const last = new ProviderUnavailableError('kaleyra', 'Kaleyra could not be reached');
    kaleyra.failWith(last);
    expect(await rejectionOf(gateway.send(anSms()))).to.equal(last);
  });

  it('routes by calling code, the route\'s providers in order', async () => {
    const { gateway, twilio, kaleyra } = build([
      { callingCode: '91', providers: ['kaleyra', 'twilio'] },
      { callingCode: '*', providers: ['twilio'] },
    ]);
    expect((await gateway.send(anSms({ receiver: '+919876543210' }))).provider).to.equal('kaleyra');
    expect((await gateway.send(anSms({ receiver: '+447700900123' }))).provider).to.equal('twilio');
    expect(kaleyra.sent.map((sms) => sms.receiver.value)).to.deep.equal(['+919876543210']);
    expect(twilio.sent.map((sms) => sms.receiver.value)).to.deep.equal(['+447700900123']);
  });

  it('keeps the request\'s sender for a provider that has none configured', async () => {
    const { gateway, twilio, kaleyra } = build(undefined, new Map());
    twilio.failNext(refused());
    await gateway.send(anSms({ sender: 'ACME' }));
    expect(kaleyra.sent[0]?.sender.value).to.equal('ACME');
  });
});

describe('CircuitBreakingSmsGateway', () => {
  it('opens after CIRCUIT_FAILURES consecutive failures, refuses without calling, then lets one trial through', async () => {
    const inner = new InMemorySmsGateway('twilio').failWith(new ProviderFailureError('twilio', 'HTTP 500', { providerStatus: 500, mayHaveBeenSent: true }));
    const gateway = new CircuitBreakingSmsGateway(inner, { failures: 3, cooldownMs: 50 }, silentLogger);
    for (let i = 0; i < 3; i++) await rejectionOf(gateway.send(anSms()));
    expect(gateway.state).to.equal('open');
    const error = await rejectionOf(gateway.send(anSms()));
    expect(error).to.be.instanceOf(ProviderUnavailableError).and.have.property('providerCode', 'CIRCUIT_OPEN');
    expect((error as ProviderUnavailableError).mayHaveBeenSent).to.equal(false);
    expect(inner.attempts).to.have.length(3);

    await new Promise((resolve) => setTimeout(resolve, 80));
    inner.failWith(undefined);
    await gateway.send(anSms());
    expect(inner.attempts).to.have.length(4);
    expect(gateway.state).to.equal('closed');
  });

  it('does not count rejected messages: they say nothing about availability', async () => {
    const inner = new InMemorySmsGateway('twilio').failWith(new MessageRejectedError('twilio', 'invalid To', { providerStatus: 400 }));
    const gateway = new CircuitBreakingSmsGateway(inner, { failures: 2, cooldownMs: 1000 }, silentLogger);
    for (let i = 0; i < 5; i++) await rejectionOf(gateway.send(anSms()));
    expect(gateway.state).to.equal('closed');
    expect(inner.attempts).to.have.length(5);
  });

  it('a success resets the count of consecutive failures', async () => {
    const failure = () => new ProviderUnavailableError('twilio', 'unreachable');
    const inner = new InMemorySmsGateway('twilio').failNext(failure(), failure());
    const gateway = new CircuitBreakingSmsGateway(inner, { failures: 3, cooldownMs: 1000 }, silentLogger);
    await rejectionOf(gateway.send(anSms()));
    await rejectionOf(gateway.send(anSms()));
    await gateway.send(anSms());
    inner.failNext(failure(), failure());
    await rejectionOf(gateway.send(anSms()));
    await rejectionOf(gateway.send(anSms()));
    expect(gateway.state).to.equal('closed');
  });
});
