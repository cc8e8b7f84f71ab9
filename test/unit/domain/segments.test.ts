import { expect } from 'chai';
import { GSM_BASIC_CHARACTERS, GSM_EXTENSION_CHARACTERS } from '../../../src/domain/gsm-charset.js';
import { calculateSegments } from '../../../src/domain/segments.js';
import { SEGMENT_VECTORS } from './segment-cases.js';

describe('segment calculation', () => {
  describe('the checked vectors', () => {
    for (const vector of SEGMENT_VECTORS) {
      it(`counts vector ${vector.name}`, () => {
        const result = calculateSegments(vector.body);
        expect({ encoding: result.encoding, units: result.units, segments: result.numSegments }).to.deep.equal({
          encoding: vector.encoding,
          units: vector.units,
          segments: vector.segments,
        });
        expect(result.segments).to.have.length(vector.segments);
        expect(result.segments.join('')).to.equal(vector.body);
      });
    }
  });

  it('has 127 basic characters and 10 extension characters in the GSM 03.38 tables', () => {
    expect([...GSM_BASIC_CHARACTERS]).to.have.length(127);
    expect(new Set(GSM_BASIC_CHARACTERS).size).to.equal(127);
    expect([...GSM_EXTENSION_CHARACTERS]).to.have.length(10);
  });

  it('keeps an escape pair whole: the [ that would straddle septet 153 opens part 2', () => {
    const { segments } = calculateSegments(`${'a'.repeat(152)}[${'a'.repeat(7)}`);
    expect(segments[0]).to.equal('a'.repeat(152));
    expect(segments[1]).to.equal(`[${'a'.repeat(7)}`);
  });

  it('keeps a surrogate pair whole: the emoji that would straddle unit 67 opens part 2', () => {
    const { segments } = calculateSegments(`${'a'.repeat(66)}😀${'a'.repeat(66)}`);
    expect(segments[0]).to.equal('a'.repeat(66));
    expect(segments[1]?.startsWith('😀')).to.equal(true);
  });

  it('cuts a grapheme cluster too long for any part between its code points: no empty part, none over 67 units', () => {
    const modifiers = calculateSegments('🏽'.repeat(100));
    expect(modifiers.segments.map((part) => part.length)).to.deep.equal([66, 66, 66, 2]);
    const accents = calculateSegments(`e${'\u0301'.repeat(200)}`);
    expect(accents.segments.map((part) => part.length)).to.deep.equal([67, 67, 67]);
    expect(accents.numSegments).to.equal(3);
  });

  it('switches the whole message to UCS-2 for one small c cedilla but not for a capital one', () => {
    expect(calculateSegments(`${'a'.repeat(100)}ç`).encoding).to.equal('UCS-2');
    expect(calculateSegments(`${'a'.repeat(100)}Ç`).encoding).to.equal('GSM-7');
  });

  it('lists each distinct character that forced UCS-2, once, in order of appearance', () => {
    const result = calculateSegments('It\u2019s\u00a0ok \u2019 😀');
    expect(result.nonGsmCharacters).to.deep.equal(['\u2019', '\u00a0', '😀']);
  });

  it('reports the capacity of a part: 160 or 153 septets, 70 or 67 units', () => {
    expect(calculateSegments('a'.repeat(160)).unitsPerSegment).to.equal(160);
    expect(calculateSegments('a'.repeat(161)).unitsPerSegment).to.equal(153);
    expect(calculateSegments('ç'.repeat(70)).unitsPerSegment).to.equal(70);
    expect(calculateSegments('ç'.repeat(71)).unitsPerSegment).to.equal(67);
  });

  it('fills every part after the first to its 153 septets', () => {
    const { segments } = calculateSegments('a'.repeat(1531));
    expect(segments.slice(0, 10).every((part) => part.length === 153)).to.equal(true);
    expect(segments[10]).to.equal('a');
  });
});
