import type { Encoding } from '../../../src/domain/segments.js';

export interface SegmentCase {
  readonly name: string;
  readonly body: string;
  readonly encoding: Encoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  readonly units: number;
  readonly segments: number;
}

const a = (n: number): string => 'a'.repeat(n);

/** Vectors checked by hand and against three public calculators (sms-segments-calculator 1.3.0, split-sms 0.1.7, sms-length 0.2.2). */
export const SEGMENT_VECTORS: readonly SegmentCase[] = [
  { name: '1: Hello world', body: 'Hello world', encoding: 'GSM-7', units: 11, segments: 1 },
  { name: '2: 160 a', body: a(160), encoding: 'GSM-7', units: 160, segments: 1 },
  { name: '3: 161 a', body: a(161), encoding: 'GSM-7', units: 161, segments: 2 },
  { name: '4: 306 a', body: a(306), encoding: 'GSM-7', units: 306, segments: 2 },
  { name: '5: 307 a', body: a(307), encoding: 'GSM-7', units: 307, segments: 3 },
  { name: '6: 1530 a', body: a(1530), encoding: 'GSM-7', units: 1530, segments: 10 },
  { name: '7: 1531 a', body: a(1531), encoding: 'GSM-7', units: 1531, segments: 11 },
  { name: '8: 1600 a', body: a(1600), encoding: 'GSM-7', units: 1600, segments: 11 },
  { name: '9: 80 euro signs', body: '€'.repeat(80), encoding: 'GSM-7', units: 160, segments: 1 },
  { name: '10: 81 euro signs', body: '€'.repeat(81), encoding: 'GSM-7', units: 162, segments: 2 },
  { name: '11: 158 a and {', body: `${a(158)}{`, encoding: 'GSM-7', units: 160, segments: 1 },
  { name: '12: 159 a and {', body: `${a(159)}{`, encoding: 'GSM-7', units: 161, segments: 2 },
  { name: '13: escape pair moves whole to part 2', body: `${a(152)}[${a(7)}`, encoding: 'GSM-7', units: 161, segments: 2 },
  { name: '14: 152 ]', body: ']'.repeat(152), encoding: 'GSM-7', units: 304, segments: 2 },
  { name: '15: 153 ] (naive ceil says 2)', body: ']'.repeat(153), encoding: 'GSM-7', units: 306, segments: 3 },
  { name: '16: 80 form feeds', body: '\f'.repeat(80), encoding: 'GSM-7', units: 160, segments: 1 },
  { name: '17: 160 capital C cedilla', body: 'Ç'.repeat(160), encoding: 'GSM-7', units: 160, segments: 1 },
  { name: '18: 70 small c cedilla', body: 'ç'.repeat(70), encoding: 'UCS-2', units: 70, segments: 1 },
  { name: '19: 71 small c cedilla', body: 'ç'.repeat(71), encoding: 'UCS-2', units: 71, segments: 2 },
  { name: '20: a with acute', body: 'á', encoding: 'UCS-2', units: 1, segments: 1 },
  { name: '21: a backtick', body: '`', encoding: 'UCS-2', units: 1, segments: 1 },
  { name: '22: curly apostrophe', body: 'It\u2019s', encoding: 'UCS-2', units: 4, segments: 1 },
  { name: '23: Hello and an emoji', body: 'Hello 😀', encoding: 'UCS-2', units: 8, segments: 1 },
  { name: '24: 35 emoji', body: '😀'.repeat(35), encoding: 'UCS-2', units: 70, segments: 1 },
  { name: '25: 36 emoji', body: '😀'.repeat(36), encoding: 'UCS-2', units: 72, segments: 2 },
  { name: '26: emoji and 68 a', body: `😜${a(68)}`, encoding: 'UCS-2', units: 70, segments: 1 },
  { name: '27: emoji and 69 a', body: `😜${a(69)}`, encoding: 'UCS-2', units: 71, segments: 2 },
  { name: '28: surrogate pair would straddle unit 67', body: `${a(66)}😀${a(66)}`, encoding: 'UCS-2', units: 134, segments: 3 },
  { name: '29: extension characters cost 1 in UCS-2', body: `😀${']'.repeat(68)}`, encoding: 'UCS-2', units: 70, segments: 1 },
  { name: '30: emoji and 69 ]', body: `😀${']'.repeat(69)}`, encoding: 'UCS-2', units: 71, segments: 2 },
  { name: '31: a flag is 4 units', body: `🇮🇹${a(66)}`, encoding: 'UCS-2', units: 70, segments: 1 },
  { name: '32: skin-tone emoji kept whole', body: `${a(65)}👍🏽${a(64)}`, encoding: 'UCS-2', units: 133, segments: 3 },
  { name: '33: 80 CR LF', body: '\r\n'.repeat(80), encoding: 'GSM-7', units: 160, segments: 1 },
  { name: '34: NBSP', body: '\u00a0', encoding: 'UCS-2', units: 1, segments: 1 },
  { name: '35: lower-case Greek', body: 'Ελλάδα', encoding: 'UCS-2', units: 6, segments: 1 },
  { name: '36: GSM Greek capitals', body: 'ΔΦΓΛΩΠΨΣΘΞ', encoding: 'GSM-7', units: 10, segments: 1 },
  { name: '37: rainbow flag ZWJ sequence', body: `🏳️‍🌈${'1234567890'.repeat(6)}1234`, encoding: 'UCS-2', units: 70, segments: 1 },
];
