// Grapheme clusters (Unicode text segmentation, UAX #29) as Unicode 10 draws them, which is what Twilio's
// calculator bills by: the runtime's ICU clusters (with two fast paths that give the same answer: characters that
// can never join a neighbour, and plain emoji sequences), then corrected where later Unicode versions differ.

import { E_BASE, E_BASE_GAZ, E_MODIFIER, GLUE_AFTER_ZWJ, PREPEND, type CodePointRange } from './unicode10-grapheme-breaks.js';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

const STANDALONE_CATEGORY = /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}]$/u;
const CONTROL = /^\p{Cc}$/u;
const JOINERS = /^[\p{Grapheme_Extend}\p{Emoji_Modifier}\p{Regional_Indicator}]$/u;
const HANGUL_JAMO_AND_SYLLABLES = /^[\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\uac00-\ud7a3]$/u;
// Letters that are a SpacingMark (Thai SARA AM, Lao AM) or a Prepend (Malayalam dot reph).
const JOINING_LETTERS = new Set([0x0e33, 0x0eb3, 0x0d4e]);
// Brahmic scripts: their consonants join across a virama (GB9c) and some letters are Prepend or SpacingMark.
const BRAHMIC_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x0900, 0x0dff],
  [0x0f00, 0x109f],
  [0x1700, 0x1cff],
  [0xa800, 0xabff],
  [0x11000, 0x11fff],
];
const isBrahmic = (codePoint: number): boolean => BRAHMIC_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to);

const EXTENDED_PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
const EMOJI_MODIFIER = /^\p{Emoji_Modifier}$/u;
const REGIONAL_INDICATOR = /^\p{Regional_Indicator}$/u;

const enum Kind {
  /** Never joins a neighbour: a boundary is certain between two of these (CR LF aside, which SMS splits). */
  Standalone = 1,
  /** Extended_Pictographic: an emoji that a ZWJ, a modifier or VS16 may extend. */
  Pictographic = 2,
  /** Emoji modifier (skin tone) or VS16: extends what precedes it. */
  EmojiExtend = 3,
  Zwj = 4,
  RegionalIndicator = 5,
  /** Anything else: only the segmenter knows. */
  Other = 6,
  /** A control character: a boundary on both sides, always (CR LF aside, which SMS splits). */
  Control = 7,
}

const kinds = new Map<number, Kind>();

function kindOf(codePoint: number): Kind {
  let kind = kinds.get(codePoint);
  if (kind !== undefined) return kind;
  const character = String.fromCodePoint(codePoint);
  if (CONTROL.test(character)) kind = Kind.Control;
  else if (codePoint === 0x200d) kind = Kind.Zwj;
  else if (codePoint === 0xfe0f || EMOJI_MODIFIER.test(character)) kind = Kind.EmojiExtend;
  else if (REGIONAL_INDICATOR.test(character)) kind = Kind.RegionalIndicator;
  else if (EXTENDED_PICTOGRAPHIC.test(character)) kind = Kind.Pictographic;
  else if (
    STANDALONE_CATEGORY.test(character) &&
    !JOINERS.test(character) &&
    !HANGUL_JAMO_AND_SYLLABLES.test(character) &&
    !JOINING_LETTERS.has(codePoint) &&
    !isBrahmic(codePoint) &&
    !(codePoint >= 0xd800 && codePoint <= 0xdfff)
  ) {
    kind = Kind.Standalone;
  } else kind = Kind.Other;
  kinds.set(codePoint, kind);
  return kind;
}

// Kinds of the BMP, filled in on first use so that start-up stays fast.
const bmpKinds = new Uint8Array(0x10000);

function kindAt(text: string, index: number): { kind: Kind; width: 1 | 2 } {
  const unit = text.charCodeAt(index);
  if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
    const low = text.charCodeAt(index + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return { kind: kindOf(((unit - 0xd800) << 10) + (low - 0xdc00) + 0x10000), width: 2 };
  }
  let kind = bmpKinds[unit] as Kind | 0;
  if (kind === 0) {
    kind = kindOf(unit);
    bmpKinds[unit] = kind;
  }
  return { kind, width: 1 };
}

/** True when a grapheme boundary is certain between two characters of these kinds, whatever precedes them. */
function certainBoundary(previous: Kind, next: Kind): boolean {
  if (previous === Kind.Control || next === Kind.Control) return true;
  if (next === Kind.Standalone) return previous !== Kind.Zwj && previous !== Kind.Other;
  if (next === Kind.Pictographic || next === Kind.RegionalIndicator) {
    return previous === Kind.Standalone || previous === Kind.Pictographic || previous === Kind.EmojiExtend;
  }
  return false;
}

/**
 * End offsets of the text's grapheme clusters, CR LF counted as two. The text is cut where a boundary is
 * certain; each stretch between cuts is one character, a plain emoji sequence, or goes to the segmenter.
 */
export function graphemeEnds(text: string): number[] {
  const ends: number[] = [];
  let start = 0;
  let previous = Kind.Standalone;
  let plainEmoji = true;
  for (let i = 0; i < text.length; ) {
    const { kind, width } = kindAt(text, i);
    if (i > start && certainBoundary(previous, kind)) {
      flush(text, start, i, plainEmoji, ends);
      start = i;
      plainEmoji = true;
    }
    // A stretch is plain emoji when only its first character may be something other than emoji parts.
    if (i > start && (kind === Kind.Standalone || kind === Kind.Other)) plainEmoji = false;
    if (kind === Kind.Other) plainEmoji = false;
    previous = kind;
    i += width;
  }
  if (start < text.length) flush(text, start, text.length, plainEmoji, ends);
  return asUnicode10(text, ends);
}

function flush(text: string, from: number, to: number, plainEmoji: boolean, ends: number[]): void {
  if (to - from === 1) ends.push(to);
  else if (plainEmoji) emojiEnds(text, from, to, ends);
  else segmenterEnds(text, from, to, ends);
}

/**
 * Boundaries inside a stretch made only of emoji, modifiers, VS16, ZWJ and regional indicators (after an
 * optional standalone character), by UAX #29 rules GB9 (× Extend, × ZWJ), GB11 (Extended_Pictographic Extend*
 * ZWJ × Extended_Pictographic) and GB12/13 (regional indicators pair up).
 */
function emojiEnds(text: string, from: number, to: number, ends: number[]): void {
  let previous: Kind | undefined;
  let pictographicExtended = false; // the characters just before are Extended_Pictographic Extend*
  let zwjAfterPictographic = false; // ... followed by a ZWJ
  let regionalIndicators = 0; // regional indicators in a row just before
  for (let i = from; i < to; ) {
    const { kind, width } = kindAt(text, i);
    const joins =
      previous !== undefined &&
      (kind === Kind.EmojiExtend ||
        kind === Kind.Zwj ||
        (kind === Kind.Pictographic && previous === Kind.Zwj && zwjAfterPictographic) ||
        (kind === Kind.RegionalIndicator && regionalIndicators % 2 === 1));
    if (previous !== undefined && !joins) ends.push(i);
    zwjAfterPictographic = kind === Kind.Zwj && pictographicExtended;
    pictographicExtended = kind === Kind.Pictographic || (kind === Kind.EmojiExtend && pictographicExtended);
    regionalIndicators = kind === Kind.RegionalIndicator ? regionalIndicators + 1 : 0;
    previous = kind;
    i += width;
  }
  ends.push(to);
}

function segmenterEnds(text: string, from: number, to: number, ends: number[]): void {
  for (const { index, segment } of segmenter.segment(text.slice(from, to))) {
    const end = from + index + segment.length;
    if (segment === '\r\n') ends.push(end - 1);
    ends.push(end);
  }
}

/** Reference segmentation without the fast paths: what graphemeEnds must always equal. */
export function graphemeEndsSlowly(text: string): number[] {
  const ends: number[] = [];
  segmenterEnds(text, 0, text.length, ends);
  return asUnicode10(text, ends);
}

const ZWJ = 0x200d;
const GRAPHEME_EXTEND = /^\p{Grapheme_Extend}$/u;
const SPACING_MARK = /^\p{Mc}$/u;
const LETTER = /^\p{L}$/u;

// Properties of a code point, as bits, each read once from the runtime's Unicode data.
const EXTEND = 1;
const MARK = 2;
const ALPHABETIC = 4;
const REGIONAL = 8;
const HANGUL = 16;
const properties = new Map<number, number>();

function propertiesOf(codePoint: number): number {
  let bits = properties.get(codePoint);
  if (bits === undefined) {
    const character = String.fromCodePoint(codePoint);
    bits =
      (codePoint !== ZWJ && GRAPHEME_EXTEND.test(character) ? EXTEND : 0) |
      (SPACING_MARK.test(character) ? MARK : 0) |
      (LETTER.test(character) ? ALPHABETIC : 0) |
      (REGIONAL_INDICATOR.test(character) ? REGIONAL : 0) |
      (HANGUL_JAMO_AND_SYLLABLES.test(character) ? HANGUL : 0);
    properties.set(codePoint, bits);
  }
  return bits;
}

const has = (codePoint: number, property: number): boolean => (propertiesOf(codePoint) & property) !== 0;
const within = (ranges: readonly CodePointRange[], codePoint: number): boolean => ranges.some(([from, to]) => codePoint >= from && codePoint <= to);
const gluesAfterZwj = (codePoint: number): boolean => within(GLUE_AFTER_ZWJ, codePoint) || within(E_BASE_GAZ, codePoint);

function codePointAt(text: string, index: number): number {
  return text.codePointAt(index) as number;
}

/**
 * The runtime's clusters as Unicode 10 draws them. Later versions join more: any skin tone (Unicode 11 made it
 * Extend; Unicode 10 joins it only to an E_Base), any emoji after pictograph + ZWJ (Unicode 10: only the
 * Glue_After_Zwj ones, after anything), and a consonant after a virama (Unicode 15.1). Each character inside a
 * runtime cluster stays only if a Unicode 10 rule joins it; a ZWJ followed by a glue character joins across one.
 */
function asUnicode10(text: string, ends: number[]): number[] {
  if (!mayDifferFromUnicode10(text, ends)) return ends;
  const result: number[] = [];
  const cluster: Cluster = { codePoints: [], size: 0 }; // the current Unicode 10 cluster, so far
  let from = 0;
  for (const end of ends) {
    const first = codePointAt(text, from);
    // GB11 (Unicode 10): ZWJ × (Glue_After_Zwj | E_Base_GAZ), whatever came before the ZWJ.
    const glued = from > 0 && text.charCodeAt(from - 1) === ZWJ && gluesAfterZwj(first) && !endsAfterFlag(cluster);
    if (from > 0 && !glued) {
      result.push(from);
      cluster.size = 0;
    }
    cluster.codePoints[cluster.size++] = first;
    for (let i = from + (first > 0xffff ? 2 : 1); i < end; ) {
      const codePoint = codePointAt(text, i);
      if (!joinsInUnicode10(cluster, codePoint)) {
        result.push(i);
        cluster.size = 0;
      }
      cluster.codePoints[cluster.size++] = codePoint;
      i += codePoint > 0xffff ? 2 : 1;
    }
    from = end;
  }
  if (text.length > 0) result.push(text.length);
  return result;
}

/** The code points of a cluster being drawn: the first `size` of a buffer reused from cluster to cluster. */
interface Cluster {
  readonly codePoints: number[];
  size: number;
}

/** False when every cluster is one code point and none follows a ZWJ: then Unicode 10 draws them alike. */
function mayDifferFromUnicode10(text: string, ends: readonly number[]): boolean {
  let from = 0;
  for (const end of ends) {
    const unit = text.charCodeAt(from);
    const width = unit >= 0xd800 && unit <= 0xdbff && end - from === 2 ? 2 : 1;
    if (end - from > width || (from > 0 && text.charCodeAt(from - 1) === ZWJ)) return true;
    from = end;
  }
  return false;
}

/** Whether Unicode 10 keeps `codePoint` in the cluster the runtime put it in, after the cluster's `before`. */
function joinsInUnicode10(before: Cluster, codePoint: number): boolean {
  const previous = before.codePoints[before.size - 1] as number;
  if (!has(codePoint, REGIONAL) && endsAfterFlag(before)) return false;
  if (codePoint === ZWJ || has(codePoint, EXTEND)) return true; // GB9
  if (within(E_MODIFIER, codePoint)) return skinToneJoins(before); // GB10
  if (previous === ZWJ) return gluesAfterZwj(codePoint); // GB11
  if (has(codePoint, MARK)) return true; // GB9a
  if (within(PREPEND, previous)) return true; // GB9b
  if (has(codePoint, HANGUL) && has(previous, HANGUL)) return true; // GB6 to GB8
  if (has(codePoint, REGIONAL)) return true; // GB12, GB13: the runtime paired them
  // What is left is a letter the runtime joined across a virama (Unicode 15.1 GB9c): Unicode 10 breaks there.
  return !has(codePoint, ALPHABETIC);
}

/**
 * The calculator's reading of GB12/GB13: in a cluster whose characters after the first are regional indicators
 * and then something else, that something (one Extend or ZWJ after a flag) ends the cluster.
 */
function endsAfterFlag({ codePoints, size }: Cluster): boolean {
  if (size < 3 || !has(codePoints[1] as number, REGIONAL)) return false;
  let lastRegional = 1;
  while (lastRegional + 1 < size && has(codePoints[lastRegional + 1] as number, REGIONAL)) lastRegional += 1;
  // Regional indicators from the second character on, then at least one other: nothing later may be one.
  for (let i = lastRegional + 1; i < size; i++) if (has(codePoints[i] as number, REGIONAL)) return false;
  return lastRegional < size - 1 && !within(PREPEND, codePoints[size - 1] as number);
}

/**
 * GB10, (E_Base | E_Base_GAZ) Extend* × E_Modifier, as the calculator applies it: it looks for the base before
 * the cluster's last Extend (or right before the tone when the cluster has none), so a tone after a ZWJ sequence
 * that holds an Extend anywhere, or after two Extends, starts a cluster of its own.
 */
function skinToneJoins({ codePoints, size }: Cluster): boolean {
  let lastExtend = -1;
  for (let i = size - 1; i >= 0 && lastExtend === -1; i--) if (has(codePoints[i] as number, EXTEND)) lastExtend = i;
  const base = lastExtend === -1 ? codePoints[size - 1] : lastExtend === size - 1 ? codePoints[lastExtend - 1] : undefined;
  return base !== undefined && (within(E_BASE, base) || within(E_BASE_GAZ, base));
}
