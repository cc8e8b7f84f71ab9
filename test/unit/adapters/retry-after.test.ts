import { expect } from 'chai';
import { parseRetryAfter } from '../../../src/adapters/provider-http/retry-after.js';

const NOW = new Date('2026-12-03T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('7', NOW)).to.equal(7);
    expect(parseRetryAfter(' 0 ', NOW)).to.equal(0);
  });

  it('reads an HTTP date as the seconds left until it', () => {
    expect(parseRetryAfter('Thu, 03 Dec 2026 12:00:30 GMT', NOW)).to.equal(30);
  });

  it('answers 0 for an HTTP date in the past', () => {
    expect(parseRetryAfter('Thu, 03 Dec 2026 11:00:00 GMT', NOW)).to.equal(0);
  });

  it('caps a wait at one day', () => {
    expect(parseRetryAfter('9999999999', NOW)).to.equal(86400);
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', NOW)).to.equal(86400);
  });

  for (const bad of ['3.5', '-1', 'soon', '', '99999999999999999999999', 'Thursday', undefined, 7]) {
    it(`ignores ${JSON.stringify(bad)}`, () => {
      expect(parseRetryAfter(bad, NOW)).to.equal(undefined);
    });
  }
});
