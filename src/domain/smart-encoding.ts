import { isGsm7 } from './segments.js';

// Twilio's Smart Encoding list (twilio.com/docs/messaging/services/smart-encoding-char-list): look-alike Unicode
// characters and the GSM-7 text that replaces each. Grouped by replacement; code points, not glyphs, so that
// invisible characters stay readable here.
const REPLACEMENTS: ReadonlyArray<readonly [replacement: string, codePoints: readonly number[]]> = [
  ['"', [0x00ab, 0x00bb, 0x201c, 0x201d, 0x02ba, 0x02ee, 0x201f, 0x201e, 0x275d, 0x275e, 0x301d, 0x301e, 0xff02]],
  ["'", [0x2018, 0x2019, 0x02bb, 0x02c8, 0x02bc, 0x02bd, 0x02b9, 0x201b, 0xff07, 0x00b4, 0x02ca, 0x0060, 0x02cb, 0x275b, 0x275c, 0x0313, 0x0314, 0xfe10, 0xfe11]],
  ['/', [0x00f7, 0x29f8, 0x0337, 0x0338, 0x2044, 0x2215, 0xff0f]],
  ['1/4', [0x00bc]],
  ['1/2', [0x00bd]],
  ['3/4', [0x00be]],
  ['\\', [0x29f9, 0x29f5, 0x20e5, 0xfe68, 0xff3c]],
  ['_', [0x0332, 0xff3f, 0x2017]],
  ['|', [0x20d2, 0x20d3, 0x2223, 0xff5c, 0x23b8, 0x23b9, 0x23d0, 0x239c, 0x239f]],
  ['-', [0x23bc, 0x23bd, 0x2015, 0xfe63, 0xff0d, 0x2010, 0x2043, 0x2014, 0x2013, 0x2022]],
  ['@', [0xfe6b, 0xff20]],
  ['$', [0xfe69, 0xff04]],
  ['#', [0xfe5f, 0xff03]],
  ['%', [0xfe6a, 0xff05]],
  ['&', [0xfe60, 0xff06]],
  ['!', [0x01c3, 0xfe15, 0xfe57, 0xff01]],
  ['!!', [0x203c]],
  [',', [0x201a, 0x0326, 0xfe50, 0xfe51, 0xff0c, 0xff64, 0x3001]],
  ['(', [0x2768, 0x276a, 0xfe59, 0xff08, 0x27ee, 0x2985]],
  [')', [0x2769, 0x276b, 0xfe5a, 0xff09, 0x27ef, 0x2986]],
  ['*', [0x204e, 0x2217, 0x229b, 0x2722, 0x2723, 0x2724, 0x2725, 0x2731, 0x2732, 0x2733, 0x273a, 0x273b, 0x273c, 0x273d, 0x2743, 0x2749, 0x274a, 0x274b, 0x29c6, 0xfe61, 0xff0a]],
  ['+', [0x02d6, 0xfe62, 0xff0b]],
  ['.', [0x3002, 0xfe52, 0xff0e, 0xff61]],
  ['...', [0x2026]],
  [':', [0x02d0, 0x02f8, 0x2982, 0xa789, 0xfe13, 0xff1a]],
  [';', [0x204f, 0xfe14, 0xfe54, 0xff1b]],
  ['<', [0xfe64, 0xff1c, 0x2039]],
  ['>', [0xfe65, 0xff1e, 0x203a]],
  ['=', [0x0347, 0xa78a, 0xfe66, 0xff1d]],
  ['?', [0xfe16, 0xfe56, 0xff1f]],
  ['^', [0x02c6, 0x0302, 0xff3e, 0x1dcd]],
  ['{', [0x2774, 0xfe5b, 0xff5b]],
  ['}', [0x2775, 0xfe5c, 0xff5d]],
  ['[', [0xff3b]],
  [']', [0xff3d]],
  ['~', [0x02dc, 0x02f7, 0x0303, 0x0330, 0x0334, 0x223c, 0xff5e]],
  // Unusual spaces, tab and C1 spacing controls: one plain space each.
  [' ', [0x00a0, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x202f, 0x205f, 0x3000, 0x2028, 0x2029, 0x0009, 0x0080, 0x008d, 0x0090, 0x009b, 0x009f]],
  // Invisible characters and control codes: removed.
  ['', [0x0000, 0x0003, 0x0004, 0x0010, 0x0011, 0x0012, 0x0013, 0x0014, 0x0017, 0x0019, 0x200b, 0x200c, 0x2060, 0xfeff]],
];

// Fullwidth digits and letters, and small capitals, stand for their ASCII counterparts.
const FULLWIDTH_DIGIT_ZERO = 0xff10;
const FULLWIDTH_CAPITAL_A = 0xff21;
const SMALL_CAPITALS: Readonly<Record<string, number>> = {
  A: 0x1d00, B: 0x0299, C: 0x1d04, D: 0x1d05, E: 0x1d07, F: 0xa730, G: 0x0262, H: 0x029c, I: 0x026a, J: 0x1d0a,
  K: 0x1d0b, L: 0x029f, M: 0x1d0d, N: 0x0274, O: 0x1d0f, P: 0x1d18, R: 0x0280, S: 0xa731, T: 0x1d1b, U: 0x1d1c,
  V: 0x1d20, W: 0x1d21, Y: 0x028f, Z: 0x1d22,
};

/** Replacement text for each character Smart Encoding replaces, by UTF-16 code unit (all are in the BMP). */
export const SMART_ENCODING_TABLE: ReadonlyMap<number, string> = (() => {
  const table = new Map<number, string>();
  for (const [replacement, codePoints] of REPLACEMENTS) for (const codePoint of codePoints) table.set(codePoint, replacement);
  for (let digit = 0; digit <= 9; digit++) table.set(FULLWIDTH_DIGIT_ZERO + digit, String(digit));
  for (let letter = 0; letter < 26; letter++) table.set(FULLWIDTH_CAPITAL_A + letter, String.fromCharCode(0x41 + letter));
  for (const [letter, codePoint] of Object.entries(SMALL_CAPITALS)) table.set(codePoint, letter);
  return table;
})();

/** The text with every listed look-alike replaced; characters not in the list are kept. */
export function replaceLookAlikes(text: string): string {
  let result = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const replacement = SMART_ENCODING_TABLE.get(text.charCodeAt(i));
    if (replacement === undefined) continue;
    result += text.slice(from, i) + replacement;
    from = i + 1;
  }
  return from === 0 ? text : result + text.slice(from);
}

export interface SmartEncodingOutcome {
  /** The text to send: the replaced one when Smart Encoding applies, else the original. */
  readonly text: string;
  readonly applied: boolean;
}

/**
 * Smart Encoding applies only when it pays: when the replaced text is GSM-7 (so the whole message leaves UCS-2)
 * and still within `maxLength`. Replacing a curly quote in a message that keeps an emoji saves nothing, and
 * `…` → `...` would only make it longer.
 */
export function smartEncode(text: string, maxLength: number): SmartEncodingOutcome {
  if (isGsm7(text)) return { text, applied: false };
  const replaced = replaceLookAlikes(text);
  const applies = replaced !== text && replaced.length >= 1 && replaced.length <= maxLength && isGsm7(replaced);
  return applies ? { text: replaced, applied: true } : { text, applied: false };
}
