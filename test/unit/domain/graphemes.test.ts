import { expect } from 'chai';
import fc from 'fast-check';
import { graphemeEnds, graphemeEndsSlowly } from '../../../src/domain/graphemes.js';

// Characters that stress every rule of grapheme segmentation: emoji and their modifiers, VS16, ZWJ, regional
// indicators, keycaps, combining marks, Hangul jamo, Indic conjuncts, Thai SARA AM, prepended marks, CR LF.
const TRICKY = [
  '😀', '👍', '🏽', '🏻', '\ufe0f', '\u200d', '❤', '🔥', '🇮', '🇹', '🇺', '#', '\u20e3', '©', '®', '‼',
  'e', '\u0301', '\u0308', 'ก', '\u0e33', 'ᄀ', 'ᅡ', 'ᆨ', '가', '각', 'क', '\u094d', 'ष', '\u0600', '\u0d4e',
  '\r', '\n', ' ', 'a', 'ç', '’', '\u00a0', '\u{1F3F3}', '\u{1F308}', '\u{E0067}', '\u{E007F}', '\u{1F9D1}', '\u{1F4BB}',
];

const anyCodePoint = fc.oneof(
  fc.integer({ min: 0x20, max: 0xd7ff }).map((code) => String.fromCodePoint(code)),
  fc.integer({ min: 0x1f000, max: 0x1faff }).map((code) => String.fromCodePoint(code)),
);
const trickyText = fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TRICKY) }, { weight: 1, arbitrary: anyCodePoint }), { maxLength: 40 }).map((parts) => parts.join(''));

describe('grapheme segmentation', () => {
  // GRAPHEME_SEED and GRAPHEME_RUNS let a deeper run use other texts: GRAPHEME_SEED=$RANDOM GRAPHEME_RUNS=200000.
  it('gives exactly what the runtime segmenter gives, CR LF split, on 5,000 tricky texts', () => {
    fc.assert(
      fc.property(trickyText, (text) => {
        expect(graphemeEnds(text)).to.deep.equal(graphemeEndsSlowly(text));
      }),
      { seed: Number(process.env.GRAPHEME_SEED ?? 7), numRuns: Number(process.env.GRAPHEME_RUNS ?? 5000) },
    );
  });

  it('keeps a skin-tone emoji, a flag and a ZWJ sequence whole', () => {
    const text = 'a👍🏽🇮🇹🏳️‍🌈b';
    const ends = graphemeEnds(text);
    const clusters = ends.map((end, i) => text.slice(i === 0 ? 0 : ends[i - 1], end));
    expect(clusters).to.deep.equal(['a', '👍🏽', '🇮🇹', '🏳️‍🌈', 'b']);
  });

  it('counts CR LF as two characters', () => {
    expect(graphemeEnds('a\r\nb')).to.deep.equal([1, 2, 3, 4]);
  });
});
