import fc from 'fast-check';
import { SegmentedMessage } from 'sms-segments-calculator';
import { GSM_BASIC_CHARACTERS, GSM_EXTENSION_CHARACTERS } from '../../src/domain/gsm-charset.js';
import { MAX_BODY_LENGTH } from '../../src/domain/message-body.js';
import { calculateSegments } from '../../src/domain/segments.js';

/** What Twilio's published calculator (sms-segments-calculator) says of a text. */
export function oracle(text: string, smartEncoding = false): { encoding: string; numSegments: number; segments: string[] } {
  const message = new SegmentedMessage(text, 'auto', smartEncoding);
  // A Segment is an Array subclass whose map() builds another Segment: read it with a plain loop.
  const segments = message.segments.map((segment) => {
    let text = '';
    for (let i = 0; i < segment.length; i++) text += (segment[i] as { raw?: string }).raw ?? '';
    return text;
  });
  return { encoding: message.encodingName, numSegments: message.segmentsCount, segments };
}

/** The same facts from the service's own calculator. */
export function ours(text: string): { encoding: string; numSegments: number; segments: string[] } {
  const result = calculateSegments(text);
  return { encoding: result.encoding, numSegments: result.numSegments, segments: [...result.segments] };
}

/** ZWJ sequences newer than Unicode 10: the calculator, and so the service, splits them at their ZWJ. */
export const LATER_ZWJ_SEQUENCES: readonly string[] = ['❤️‍🔥', '🧑‍🤝‍🧑', '🐕‍🦺', '😮‍💨'];

const TOKENS: readonly string[] = [
  ...GSM_BASIC_CHARACTERS,
  ...GSM_EXTENSION_CHARACTERS,
  '\r\n',
  ...'çáşéíóúâêôãõğıłńśźżñ'.split('').filter((c) => !GSM_BASIC_CHARACTERS.includes(c)),
  ...'αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ',
  'Α', 'Β', 'Ε', 'Ζ', 'Η', 'Ι', 'Κ', 'Μ', 'Ν', 'Ο', 'Ρ', 'Τ', 'Υ', 'Χ',
  '\u00a0',
  '\u2018', '\u2019', '\u201c', '\u201d',
  '😀', '😜', '🎉', '❤', '❤️', '✅', '👍', '🚀', '🙂',
  '👍🏽', '👋🏻', '🙌🏿', '👩🏾', '🧑🏼',
  '🇮🇹', '🇺🇸', '🇬🇧', '🇯🇵', '🇮🇳',
  // ZWJ sequences of every age: Unicode 10 joins some whole, splits others (❤️‍🔥, 🧑‍🤝‍🧑: newer than its data).
  '🏳️‍🌈', '👨‍👩‍👧', '🧑‍💻', '👩🏽‍🚀', '👁️‍🗨️', '🏃‍♀️', '👩‍❤️‍👨', ...LATER_ZWJ_SEQUENCES,
  // Skin tones with no base, or on a base newer than Unicode 10; a ZWJ after a letter.
  '🏽', '🫱🏻', '🫱🏻‍🫲🏿', 'a\u200d❤', '\u200d',
  // Devanagari with conjuncts (a consonant after a virama), vowel signs and a nukta.
  'क्ष', 'त्रि', 'न्द्र', 'हिन्दी', 'कि', 'ज़', 'ं',
];

// Mostly GSM text with the odd non-GSM character, or mostly non-GSM text: both shapes occur in real messages.
const GSM_WEIGHTED = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...GSM_BASIC_CHARACTERS) },
  { weight: 1, arbitrary: fc.constantFrom(...TOKENS) },
);
const ANY_TOKEN = fc.constantFrom(...TOKENS);

/** Texts of 0 to 1600 UTF-16 units drawn from the alphabet, joined from whole tokens. */
export const smsText: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 0, max: MAX_BODY_LENGTH }), fc.boolean())
  .chain(([tokens, gsmHeavy]) => fc.array(gsmHeavy ? GSM_WEIGHTED : ANY_TOKEN, { minLength: tokens, maxLength: tokens }))
  .map((tokens) => {
    let text = '';
    for (const token of tokens) {
      if (text.length + token.length > MAX_BODY_LENGTH) break;
      text += token;
    }
    return text;
  });

// Look-alikes from the Smart Encoding list whose replacement is the same in the calculator's map (its spaces differ).
const LOOK_ALIKES = ['\u2018', '\u2019', '\u201c', '\u201d', '\u2013', '\u2014', '\u2026', '\u00ab', '\u00bb', '\uff21', '\uff11', '\u00bd', '\u02c6', '\u200b', '\u2022'];

const GSM_OR_LOOK_ALIKE = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...GSM_BASIC_CHARACTERS, ...GSM_EXTENSION_CHARACTERS) },
  { weight: 3, arbitrary: fc.constantFrom(...LOOK_ALIKES) },
);

/** GSM text sprinkled with look-alikes; one text in four also has a character nothing replaces. */
export const smartEncodingText: fc.Arbitrary<string> = fc
  .tuple(fc.array(GSM_OR_LOOK_ALIKE, { minLength: 1, maxLength: 600 }), fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('😀', 'ç', 'α') }), fc.nat())
  .map(([parts, stranger, at]) => {
    if (stranger !== null) parts.splice(at % (parts.length + 1), 0, stranger);
    return parts.join('');
  });
