/**
 * Times the service's segment calculator and Twilio's published one (sms-segments-calculator) on the same
 * corpus of 10,000 mixed messages, in one run, and prints the ratio. `npm run bench:segments`.
 */
import fc from 'fast-check';
import { calculateSegments } from '../src/domain/segments.js';
import { SegmentedMessage } from 'sms-segments-calculator';
import { smsText } from '../test/support/segment-oracle.js';

const CORPUS_SIZE = 10_000;
const ROUNDS = 5;

const corpus = fc.sample(smsText, { seed: 42, numRuns: CORPUS_SIZE });
const units = corpus.reduce((sum, text) => sum + text.length, 0);
const ucs2 = corpus.filter((text) => calculateSegments(text).encoding === 'UCS-2').length;

function time(label: string, count: (text: string) => number): number {
  let checksum = 0;
  for (const text of corpus.slice(0, 500)) checksum += count(text); // warm-up
  const runs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (const text of corpus) checksum += count(text);
    runs.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  runs.sort((a, b) => a - b);
  const median = runs[Math.floor(ROUNDS / 2)] as number;
  console.log(`${label.padEnd(28)} median ${median.toFixed(1).padStart(8)} ms per corpus, ${((median * 1000) / CORPUS_SIZE).toFixed(2).padStart(7)} µs per message (checksum ${checksum})`);
  return median;
}

console.log(`corpus: ${CORPUS_SIZE} messages, ${units} UTF-16 units, ${ucs2} UCS-2 / ${CORPUS_SIZE - ucs2} GSM-7; ${ROUNDS} rounds each`);
const ourTime = time('service (src/domain)', (text) => calculateSegments(text).numSegments);
const oracleTime = time('sms-segments-calculator', (text) => new SegmentedMessage(text).segmentsCount);
const ratio = oracleTime / ourTime;
console.log(`ratio: the service is ${ratio.toFixed(1)}x faster (target: at least 20x) ${ratio >= 20 ? 'OK' : 'MISSED'}`);
process.exitCode = ratio >= 20 ? 0 : 1;
