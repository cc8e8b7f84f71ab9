import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEarlierResults, ResultsWriter } from '../../../src/adapters/batch/results-file.js';

const dir = mkdtempSync(join(tmpdir(), 'sms-results-'));

describe('results file', () => {
  it('writes one JSON line per row and reads back which rows are done, the last line of an id winning', async () => {
    const path = join(dir, 'a.jsonl');
    const writer = new ResultsWriter(path);
    writer.write({ id: 'a', line: 2, outcome: 'failed', error: 'unreachable' });
    writer.write({ id: 'b', line: 3, outcome: 'sent', sid: 'SM1' });
    writer.write({ id: 'c', line: 4, outcome: 'rejected', error: 'bad receiver' });
    writer.write({ id: 'a', line: 2, outcome: 'sent', sid: 'SM2' });
    writer.write({ id: 'd', line: 5, outcome: 'failed', error: 'unreachable' });
    writer.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).to.have.length(5);
    const earlier = await readEarlierResults(path, false);
    expect([...earlier.done]).to.deep.equal([
      ['a', 'sent'],
      ['b', 'sent'],
      ['c', 'rejected'],
    ]);
  });

  it('does not resend a failure that may have been sent, unless asked', async () => {
    const path = join(dir, 'b.jsonl');
    writeFileSync(path, `${JSON.stringify({ id: 'x', line: 2, outcome: 'failed', error: 'timeout', mayHaveBeenSent: true })}\n`);
    expect([...(await readEarlierResults(path, false)).done.keys()]).to.deep.equal(['x']);
    expect((await readEarlierResults(path, false)).uncertain).to.equal(1);
    expect([...(await readEarlierResults(path, true)).done.keys()]).to.deep.equal([]);
  });

  it('ignores a line cut short by a crash, and a missing file', async () => {
    const path = join(dir, 'c.jsonl');
    writeFileSync(path, `${JSON.stringify({ id: 'x', line: 2, outcome: 'sent' })}\n{"id":"y","li`);
    expect([...(await readEarlierResults(path, false)).done.keys()]).to.deep.equal(['x']);
    expect((await readEarlierResults(join(dir, 'none.jsonl'), false)).done.size).to.equal(0);
  });
});
