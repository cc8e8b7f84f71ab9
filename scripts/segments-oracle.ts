/**
 * Compares the service's segment calculation with Twilio's published calculator on many random texts.
 * `npm run segments:oracle` (200,000 texts, random seed), or `-- --runs N --seed S` to repeat a run.
 * Prints the seed and the count; on a disagreement, the seed, the shrunk text and both answers, and exits 1.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { oracle, ours, smsText } from '../test/support/segment-oracle.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200000' },
    seed: { type: 'string', default: String(Math.floor(Math.random() * 2 ** 31)) },
  },
});
const runs = Number(values.runs);
const seed = Number(values.seed);
const started = Date.now();
console.log(`comparing ${runs} random texts with sms-segments-calculator, seed ${seed}`);

const result = fc.check(
  fc.property(smsText, (text) => JSON.stringify(ours(text)) === JSON.stringify(oracle(text))),
  { seed, numRuns: runs },
);
const seconds = ((Date.now() - started) / 1000).toFixed(0);
if (result.failed) {
  const text = (result.counterexample as [string])[0];
  console.log(`DISAGREEMENT after ${result.numRuns} texts (seed ${seed}, ${seconds} s)`);
  console.log(`text: ${JSON.stringify(text)}`);
  console.log(`service:    ${JSON.stringify(ours(text))}`);
  console.log(`calculator: ${JSON.stringify(oracle(text))}`);
  process.exitCode = 1;
} else {
  console.log(`no disagreement in ${result.numRuns} texts (seed ${seed}, ${seconds} s)`);
}
