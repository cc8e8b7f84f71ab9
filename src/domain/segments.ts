import { graphemeEnds } from './graphemes.js';
import { GSM_SEPTETS } from './gsm-charset.js';

export type Encoding = 'GSM-7' | 'UCS-2';

/** Units one part can carry: septets for GSM-7, UTF-16 code units for UCS-2 (3GPP TS 23.040 with a 6-octet UDH). */
export const UNITS_PER_SEGMENT: Readonly<Record<Encoding, { single: number; concatenated: number }>> = {
  'GSM-7': { single: 160, concatenated: 153 },
  'UCS-2': { single: 70, concatenated: 67 },
};

export interface MessageSegments {
  readonly encoding: Encoding;
  /** Parts the operator bills for. */
  readonly numSegments: number;
  /** The text of each part, exactly as it is split. */
  readonly segments: readonly string[];
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the whole text costs. */
  readonly units: number;
  /** What one part holds for this message: 160/153 septets or 70/67 units. */
  readonly unitsPerSegment: number;
  /** Each distinct character (grapheme) that forced UCS-2, in order of first appearance. */
  readonly nonGsmCharacters: readonly string[];
}

/** True when every code unit is in GSM 03.38, so the whole text can go as GSM-7. */
export function isGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (GSM_SEPTETS[text.charCodeAt(i)] === 0) return false;
  }
  return true;
}

/**
 * Splits a text into the parts an operator sends and bills. GSM-7 when every character is in GSM 03.38, else
 * UCS-2 for the whole text. An escape pair, a surrogate pair and a whole grapheme cluster are never split
 * across parts. When a second part is needed, the first gives up room for the concatenation header and what
 * no longer fits moves on; parts after it are filled greedily.
 */
export function calculateSegments(text: string): MessageSegments {
  return isGsm7(text) ? splitGsm7(text) : splitUcs2(text);
}

function splitGsm7(text: string): MessageSegments {
  const costs = new Array<number>(text.length);
  let units = 0;
  for (let i = 0; i < text.length; i++) {
    const cost = GSM_SEPTETS[text.charCodeAt(i)] as number;
    costs[i] = cost;
    units += cost;
  }
  const { single, concatenated } = UNITS_PER_SEGMENT['GSM-7'];
  const boundaries = units <= single ? [] : pack(costs, single, concatenated);
  return {
    encoding: 'GSM-7',
    numSegments: boundaries.length + 1,
    segments: cut(text, boundaries, (index) => index),
    units,
    unitsPerSegment: boundaries.length === 0 ? single : concatenated,
    nonGsmCharacters: [],
  };
}

function splitUcs2(text: string): MessageSegments {
  const ends = withinPartSize(text, graphemeEnds(text), UNITS_PER_SEGMENT['UCS-2'].concatenated);
  const costs = new Array<number>(ends.length);
  // Each distinct culprit once, in order; a one-unit character is looked up by its code, not sliced out again.
  const nonGsm: string[] = [];
  const seenUnits = new Set<number>();
  const seenClusters = new Set<string>();
  let from = 0;
  for (let i = 0; i < ends.length; i++) {
    const to = ends[i] as number;
    costs[i] = to - from;
    if (to - from === 1) {
      const unit = text.charCodeAt(from);
      if (GSM_SEPTETS[unit] === 0 && !seenUnits.has(unit)) {
        seenUnits.add(unit);
        nonGsm.push(text[from] as string);
      }
    } else {
      const cluster = text.slice(from, to);
      if (!seenClusters.has(cluster)) {
        seenClusters.add(cluster);
        nonGsm.push(cluster);
      }
    }
    from = to;
  }
  const { single, concatenated } = UNITS_PER_SEGMENT['UCS-2'];
  const boundaries = text.length <= single ? [] : pack(costs, single, concatenated);
  return {
    encoding: 'UCS-2',
    numSegments: boundaries.length + 1,
    segments: cut(text, boundaries, (index) => (index === 0 ? 0 : (ends[index - 1] as number))),
    units: text.length,
    unitsPerSegment: boundaries.length === 0 ? single : concatenated,
    nonGsmCharacters: nonGsm,
  };
}

/**
 * Grapheme ends, with any cluster too long for one part (a letter under hundreds of combining marks, a run of
 * skin-tone modifiers) cut between its code points: a part can never hold more than `limit` units, and a
 * surrogate pair is still never split.
 */
function withinPartSize(text: string, ends: readonly number[], limit: number): readonly number[] {
  let from = 0;
  let tooLong = false;
  for (const end of ends) {
    if (end - from > limit) tooLong = true;
    from = end;
  }
  if (!tooLong) return ends;
  const result: number[] = [];
  from = 0;
  for (const end of ends) {
    if (end - from > limit) {
      for (let i = from; i < end; ) {
        const unit = text.charCodeAt(i);
        i += unit >= 0xd800 && unit <= 0xdbff && i + 1 < end ? 2 : 1;
        if (i < end) result.push(i);
      }
    }
    result.push(end);
    from = end;
  }
  return result;
}

/**
 * Packs items of the given costs into parts and returns the index of the first item of every part after the
 * first. Only called when the total does not fit in one part. The first part is filled to `single`; when an
 * item does not fit, the first part shrinks to `concatenated` and its overflow moves to the second part.
 */
function pack(costs: readonly number[], single: number, concatenated: number): number[] {
  const starts: number[] = [];
  let firstPartHasHeader = false;
  let capacity = single;
  let used = 0;
  for (let i = 0; i < costs.length; i++) {
    const cost = costs[i] as number;
    if (capacity - used < cost) {
      if (!firstPartHasHeader) {
        firstPartHasHeader = true;
        // The first part now carries the header: items beyond `concatenated` move, whole, to the next part.
        let start = i;
        let kept = used;
        while (kept > concatenated && start > 0) {
          start -= 1;
          kept -= costs[start] as number;
        }
        starts.push(start);
        used = used - kept;
      } else {
        starts.push(i);
        used = 0;
      }
      capacity = concatenated;
    }
    used += cost;
  }
  return starts;
}

function cut(text: string, boundaries: readonly number[], offsetOf: (itemIndex: number) => number): string[] {
  const parts: string[] = [];
  let from = 0;
  for (const boundary of boundaries) {
    const to = offsetOf(boundary);
    parts.push(text.slice(from, to));
    from = to;
  }
  parts.push(text.slice(from));
  return parts;
}
