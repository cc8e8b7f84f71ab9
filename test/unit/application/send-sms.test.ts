import { expect } from 'chai';
import sinon from 'sinon';
import { MessageRejectedError, ProviderTimeoutError } from '../../../src/application/ports/sms-gateway.js';
import { SendSms, type SendPolicy } from '../../../src/application/send-sms.js';
import { InvalidReceiverError, TooManySegmentsError } from '../../../src/domain/errors.js';
import { aSendCommand } from '../../support/builders.js';
import { InMemorySmsGateway } from '../../support/in-memory-sms-gateway.js';
import { FakeClock } from '../../support/fake-clock.js';
import { RecordingLogger } from '../../support/log-capture.js';
import { rejectionOf } from '../../support/rejection.js';

const ACCEPTED_AT = new Date('2021-08-13T12:53:52.959Z');

function setUp(gateway = new InMemorySmsGateway(), policy?: SendPolicy) {
  const logger = new RecordingLogger();
  const clock = new FakeClock(ACCEPTED_AT);
  sinon.spy(clock, 'now');
  return { gateway, logger, clock, sendSms: new SendSms(gateway, clock, logger, policy) };
}

describe('SendSms', () => {
  it('sends a valid message through the gateway and answers the provider receipt', async () => {
    const { gateway, sendSms } = setUp();
    const result = await sendSms.execute(aSendCommand({ body: 'Hello' }));
    expect(gateway.sent).to.have.length(1);
    expect(gateway.sent[0]?.receiver.value).to.equal('+15558675310');
    expect(result).to.deep.equal({
      sid: 'SM00000000000000000000000000000001',
      status: 'queued',
      numSegments: 1,
      encoding: 'GSM-7',
      dateEvent: ACCEPTED_AT,
      provider: 'in-memory',
    });
  });

  it('stamps dateEvent when the provider has accepted, not before', async () => {
    const { gateway, clock, sendSms } = setUp();
    const send = sinon.spy(gateway, 'send');
    await sendSms.execute(aSendCommand());
    expect((clock.now as sinon.SinonSpy).calledAfter(send)).to.equal(true);
  });

  it("answers the provider's segment count when it gives a positive one", async () => {
    const { sendSms } = setUp(new InMemorySmsGateway().answer({ numSegments: 3 }));
    expect((await sendSms.execute(aSendCommand({ body: 'short' }))).numSegments).to.equal(3);
  });

  it("answers the domain's count when the provider gives none or zero", async () => {
    for (const numSegments of [undefined, 0]) {
      const { sendSms } = setUp(new InMemorySmsGateway().answer({ numSegments }));
      expect((await sendSms.execute(aSendCommand({ body: 'a'.repeat(161) }))).numSegments).to.equal(2);
    }
  });

  it('refuses an invalid message before any provider call', async () => {
    const { gateway, sendSms } = setUp();
    const send = sinon.spy(gateway, 'send');
    await rejectionOf(sendSms.execute(aSendCommand({ receiver: '0015558675310' })), InvalidReceiverError);
    expect(send.called).to.equal(false);
  });

  it("passes a gateway error on unchanged and logs the provider's code and reason", async () => {
    const rejection = new MessageRejectedError('in-memory', 'invalid number', { providerCode: 21211, providerStatus: 400 });
    const { logger, sendSms } = setUp(new InMemorySmsGateway().failWith(rejection));
    const error = await rejectionOf(sendSms.execute(aSendCommand()), MessageRejectedError);
    expect(error).to.equal(rejection);
    const entry = logger.entries.find((e) => e.level === 'warn');
    expect(entry?.fields).to.include({ provider: 'in-memory', error: 'MessageRejectedError', providerCode: 21211, reason: 'invalid number' });
    // The receiver goes in the field the Logger port masks; the body never goes at all.
    expect(entry?.fields).to.have.property('receiver', '+15558675310');
    expect(JSON.stringify(logger.entries)).not.to.include('Your code is');
  });

  it('never retries by itself: a timeout reaches the caller after one call', async () => {
    const gateway = new InMemorySmsGateway().failWith(new ProviderTimeoutError('in-memory', 'late'));
    const send = sinon.spy(gateway, 'send');
    const { sendSms } = setUp(gateway);
    await rejectionOf(sendSms.execute(aSendCommand()), ProviderTimeoutError);
    expect(send.callCount).to.equal(1);
  });

  describe('Smart Encoding', () => {
    const CURLY = `It\u2019s ${'a'.repeat(70)}`;

    it('sends the replaced text and counts its parts when the command asks for it', async () => {
      const { gateway, sendSms } = setUp();
      const result = await sendSms.execute(aSendCommand({ body: CURLY, smartEncoding: true }));
      expect(gateway.sent[0]?.body.value).to.equal(`It's ${'a'.repeat(70)}`);
      expect(result).to.include({ encoding: 'GSM-7', numSegments: 1 });
    });

    it('follows the deployment default when the command does not say', async () => {
      const { gateway, sendSms } = setUp(undefined, { smartEncoding: true });
      await sendSms.execute(aSendCommand({ body: CURLY }));
      expect(gateway.sent[0]?.body.value).to.equal(`It's ${'a'.repeat(70)}`);
    });

    it('lets a command turn the deployment default off', async () => {
      const { gateway, sendSms } = setUp(undefined, { smartEncoding: true });
      const result = await sendSms.execute(aSendCommand({ body: CURLY, smartEncoding: false }));
      expect(gateway.sent[0]?.body.value).to.equal(CURLY);
      expect(result).to.include({ encoding: 'UCS-2', numSegments: 2 });
    });
  });

  describe('the segment cap', () => {
    it('refuses a message needing more parts than maxSegments, before any provider call', async () => {
      const { gateway, sendSms } = setUp(undefined, { smartEncoding: false, maxSegments: 2 });
      const send = sinon.spy(gateway, 'send');
      const error = await rejectionOf(sendSms.execute(aSendCommand({ body: 'a'.repeat(307) })), TooManySegmentsError);
      expect(error.message).to.equal('body needs 3 segments as GSM-7, more than the maximum of 2');
      expect(error).to.include({ code: 'SMS.TOO_MANY_SEGMENTS', numSegments: 3, maxSegments: 2 });
      expect(send.called).to.equal(false);
    });

    it('names the characters that forced UCS-2 when they are why', async () => {
      const { sendSms } = setUp(undefined, { smartEncoding: false, maxSegments: 1 });
      const error = await rejectionOf(sendSms.execute(aSendCommand({ body: `${'a'.repeat(80)}\u2019` })), TooManySegmentsError);
      expect(error.message).to.equal('body needs 2 segments as UCS-2 (forced by "\u2019"), more than the maximum of 1');
    });

    it('sends a message at the cap', async () => {
      const { gateway, sendSms } = setUp(undefined, { smartEncoding: false, maxSegments: 2 });
      await sendSms.execute(aSendCommand({ body: 'a'.repeat(306) }));
      expect(gateway.sent).to.have.length(1);
    });

    it('counts the text actually sent: Smart Encoding can bring a message under the cap', async () => {
      const { gateway, sendSms } = setUp(undefined, { smartEncoding: true, maxSegments: 1 });
      await sendSms.execute(aSendCommand({ body: `${'a'.repeat(80)}\u2019` }));
      expect(gateway.sent).to.have.length(1);
    });
  });
});
