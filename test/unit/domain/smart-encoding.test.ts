import { expect } from 'chai';
import SmartEncodingMap from 'sms-segments-calculator/dist/libs/SmartEncodingMap.js';
import { assessCost } from '../../../src/domain/message-cost.js';
import { MessageBody } from '../../../src/domain/message-body.js';
import { replaceLookAlikes, SMART_ENCODING_TABLE, smartEncode } from '../../../src/domain/smart-encoding.js';

const calculatorMap = (SmartEncodingMap as unknown as { default?: Record<string, string> }).default ?? (SmartEncodingMap as unknown as Record<string, string>);

describe('Smart Encoding', () => {
  it('replaces curly quotes, dashes, the ellipsis and unusual spaces with GSM-7 text', () => {
    expect(replaceLookAlikes('\u201cHi\u201d \u2014 it\u2019s\u00a0ok\u2026 \u2013 \u00bd')).to.equal('"Hi" - it\'s ok... - 1/2');
  });

  it('replaces fullwidth letters and digits and small capitals', () => {
    expect(replaceLookAlikes('\uff21\uff22\uff23 \uff11\uff12\uff13 \u1d00\u0299')).to.equal('ABC 123 AB');
  });

  it('removes zero-width characters', () => {
    expect(replaceLookAlikes('a\u200bb\ufeffc\u2060d')).to.equal('abcd');
  });

  it('lists the same 271 characters as Twilio\'s calculator, with the same replacements', () => {
    const ours = [...SMART_ENCODING_TABLE.keys()].sort((a, b) => a - b);
    const theirs = Object.keys(calculatorMap).map((key) => key.charCodeAt(0)).sort((a, b) => a - b);
    expect(ours).to.deep.equal(theirs);
    const differing = Object.entries(calculatorMap).filter(([key, value]) => SMART_ENCODING_TABLE.get(key.charCodeAt(0)) !== value);
    // The one deliberate difference: an unusual space or a tab becomes one space, as the published list says,
    // where the calculator's map has two (seven for a tab).
    expect(differing.every(([, value]) => /^ +$/.test(value))).to.equal(true);
    expect(differing.every(([key]) => SMART_ENCODING_TABLE.get(key.charCodeAt(0)) === ' ')).to.equal(true);
  });

  it('applies when the replaced text is all GSM-7', () => {
    expect(smartEncode('It\u2019s \u201cdone\u201d', 1600)).to.deep.equal({ text: 'It\'s "done"', applied: true });
  });

  it('does not apply when a character without a replacement keeps the message in UCS-2', () => {
    expect(smartEncode('It\u2019s done 😀', 1600)).to.deep.equal({ text: 'It\u2019s done 😀', applied: false });
  });

  it('does not apply when the replaced text would exceed the length limit', () => {
    const text = '\u2026'.repeat(600);
    expect(smartEncode(text, 1600).applied).to.equal(false);
  });

  it('has nothing to do on GSM-7 text', () => {
    expect(smartEncode('plain text', 1600)).to.deep.equal({ text: 'plain text', applied: false });
  });

  it('counts the message as sent: 84 units of UCS-2 (2 parts) become 1 GSM-7 part', () => {
    const body = MessageBody.parse(`It\u2019s${'\u00a0'}${'a'.repeat(78)}`);
    const off = assessCost(body, false);
    const on = assessCost(body, true);
    expect(off.segments).to.include({ encoding: 'UCS-2', numSegments: 2 });
    expect(off.smartEncoding).to.deep.equal({ applied: false, numSegmentsIfApplied: 1 });
    expect(on.segments).to.include({ encoding: 'GSM-7', numSegments: 1 });
    expect(on.smartEncoding).to.deep.equal({ applied: true, numSegmentsIfApplied: 1 });
    expect(on.text).to.equal(`It's ${'a'.repeat(78)}`);
  });
});
