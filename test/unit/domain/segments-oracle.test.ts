import { expect } from 'chai';
import fc from 'fast-check';
import { assessCost } from '../../../src/domain/message-cost.js';
import { MessageBody } from '../../../src/domain/message-body.js';
import { LATER_ZWJ_SEQUENCES, oracle, ours, smsText, smartEncodingText } from '../../support/segment-oracle.js';
import { SEGMENT_VECTORS } from './segment-cases.js';

// A fixed seed: the same 2,000 texts on every run. `npm run segments:oracle` draws 200,000 with a random seed.
const SEED = 20261203;

describe('segment calculation against Twilio\'s published calculator', () => {
  it('agrees on encoding, count and the text of every part for 2,000 random texts', function () {
    this.timeout(60000);
    fc.assert(
      fc.property(smsText, (text) => {
        expect(ours(text)).to.deep.equal(oracle(text));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('agrees on every checked vector', () => {
    for (const vector of SEGMENT_VECTORS) expect(ours(vector.body), vector.name).to.deep.equal(oracle(vector.body));
  });

  it('agrees with the calculator\'s Smart Encoding whenever it applies, on 2,000 texts with look-alikes', function () {
    this.timeout(60000);
    fc.assert(
      fc.property(smartEncodingText, (text) => {
        const cost = assessCost(MessageBody.parse(text), true);
        // The calculator replaces whatever it can; the service only when that makes the message GSM-7.
        fc.pre(cost.smartEncoding.applied);
        const theirs = oracle(text, true);
        expect({ encoding: cost.segments.encoding, numSegments: cost.segments.numSegments, segments: cost.segments.segments }).to.deep.equal(theirs);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  describe('where current Unicode joins what the calculator\'s Unicode 10 rules split, it splits as the calculator does', () => {
    for (const sequence of [...LATER_ZWJ_SEQUENCES, '🫱🏻‍🫲🏿']) {
      it(`splits ${sequence} at a part boundary where the calculator does`, () => {
        const text = `${'a'.repeat(63)}${sequence}${'b'.repeat(70)}`;
        expect(ours(text)).to.deep.equal(oracle(text));
        expect(ours(text).segments[0]?.startsWith('a'.repeat(63))).to.equal(true);
        expect(ours(text).segments[0]).not.to.equal('a'.repeat(63));
      });
    }

    it('starts a new cluster with a skin tone after a ZWJ sequence that holds an Extend, as the calculator does', () => {
      // Found by a 200,000-text run: the calculator looks for the base before the cluster's last Extend (the VS16).
      const text = `${'@'.repeat(60)}👩‍❤️‍👨🏽${'@'.repeat(80)}`;
      expect(ours(text)).to.deep.equal(oracle(text));
    });

    it('splits a Devanagari conjunct after its virama, as Unicode 10 does', () => {
      const text = `${'क'.repeat(65)}क्ष${'ब'.repeat(70)}`;
      expect(ours(text)).to.deep.equal(oracle(text));
      expect(ours(text).segments[0]?.endsWith('क्')).to.equal(true);
    });
  });
});
