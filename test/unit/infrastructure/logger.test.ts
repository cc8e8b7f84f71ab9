import { expect } from 'chai';
import { logContext } from '../../../src/application/log-context.js';
import { redact } from '../../../src/infrastructure/logger.js';
import { captureLogs } from '../../support/log-capture.js';

describe('logger', () => {
  it('writes one JSON object per line with level, message, timestamp and fields', () => {
    const { logger, output } = captureLogs();
    logger.info('hello', { sid: 'SM123' });
    const line = JSON.parse(output().trim()) as Record<string, unknown>;
    expect(line).to.include({ level: 'info', message: 'hello', sid: 'SM123' });
    expect(line.timestamp).to.be.a('string');
  });

  it('masks phone-number fields down to the country code and the last two digits', () => {
    const { logger, output } = captureLogs();
    logger.info('sent', { receiver: '+447700900123', sender: '+15017122661' });
    expect(JSON.parse(output())).to.include({ receiver: '+44********23', sender: '+1********61' });
  });

  it('drops bodies, tokens, passwords and API keys whatever their nesting', () => {
    const { logger, output } = captureLogs();
    logger.info('request', { body: 'Your code is 1234', nested: { authToken: 'tok', apiKey: 'key', password: 'pw', ok: 1 } });
    const text = output();
    expect(text).not.to.include('Your code').and.not.to.include('tok"').and.not.to.include('"key"').and.not.to.include('pw');
    expect(JSON.parse(text)).to.deep.include({ nested: { ok: 1 } });
  });

  it('masks a phone number written inside a message', () => {
    expect(redact("The 'To' number +15558675310 is not valid")).to.equal("The 'To' number +1********10 is not valid");
  });

  it('leaves ids, dates and durations alone', () => {
    const id = '24283805-4f4b-4e0e-912f-12342519be62';
    expect(redact(id)).to.equal(id);
    expect(redact('SM8e41a68c3734d44b80fa8d79ba81bb1c')).to.equal('SM8e41a68c3734d44b80fa8d79ba81bb1c');
    expect(redact('2026-12-03T19:50:43.657Z')).to.equal('2026-12-03T19:50:43.657Z');
  });

  it('keeps request ids and sids verbatim, even when they are all digits', () => {
    const { logger, output } = captureLogs();
    logger.info('done', { requestId: '15558675310', sid: 'order_12345678' });
    expect(JSON.parse(output())).to.include({ requestId: '15558675310', sid: 'order_12345678' });
  });

  it('adds the fields of the current log context, such as the request id', () => {
    const { logger, output } = captureLogs();
    logContext.run({ requestId: 'req-1' }, () => logger.warn('inside'));
    expect(JSON.parse(output())).to.include({ requestId: 'req-1', level: 'warn' });
  });

  it('writes nothing below its level', () => {
    const { logger, output } = captureLogs('warn');
    logger.info('quiet');
    logger.debug('quieter');
    expect(output()).to.equal('');
  });
});
