import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAccessError } from '../../../src/adapters/batch/file-access-error.js';
import { readEarlierResults, ResultsWriter } from '../../../src/adapters/batch/results-file.js';
import { rejectionOf } from '../../support/rejection.js';

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
    expect(new Map(earlier.done)).to.deep.equal(
      new Map([
        ['a', 'sent'],
        ['b', 'sent'],
        ['c', 'rejected'],
      ]),
    );
  });

  it('does not resend a failure that may have been sent, unless asked', async () => {
    const path = join(dir, 'b.jsonl');
    writeFileSync(path, `${JSON.stringify({ id: 'x', line: 2, outcome: 'failed', error: 'timeout', mayHaveBeenSent: true })}\n`);
    expect([...(await readEarlierResults(path, false)).done.keys()]).to.deep.equal(['x']);
    expect((await readEarlierResults(path, false)).uncertain).to.equal(1);
    expect([...(await readEarlierResults(path, true)).done.keys()]).to.deep.equal([]);
  });

  it('retries a row that may have been sent under the next round, and keeps the round of a later plain failure', async () => {
    const path = join(dir, 'd.jsonl');
    const lines = [
      { id: 'x', line: 2, outcome: 'failed', error: 'timeout', mayHaveBeenSent: true },
      { id: 'y', line: 3, outcome: 'failed', error: 'timeout', mayHaveBeenSent: true, retry: 1 },
      { id: 'z', line: 4, outcome: 'failed', error: 'unreachable', retry: 2 },
      { id: 'w', line: 5, outcome: 'sent', retry: 1 },
    ];
    writeFileSync(path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    expect([...(await readEarlierResults(path, true)).retries]).to.deep.equal([
      ['x', 1],
      ['y', 2],
      ['z', 2],
    ]);
    const plain = await readEarlierResults(path, false);
    expect([...plain.retries]).to.deep.equal([['z', 2]]);
    expect([...plain.done.keys()]).to.deep.equal(['x', 'y', 'w']);
  });

  it('says, in one line, that a results file in a missing folder cannot be written', async () => {
    const path = join(dir, 'no-such-folder', 'r.jsonl');
    expect(() => new ResultsWriter(path)).to.throw(FileAccessError, `cannot write ${path}: no such folder ${join(dir, 'no-such-folder')}`);
    expect((await rejectionOf(readEarlierResults(dir, false), FileAccessError)).message).to.equal(`cannot read ${dir}: it is a folder, not a file`);
  });

  it('ignores a line cut short by a crash, and a missing file', async () => {
    const path = join(dir, 'c.jsonl');
    writeFileSync(path, `${JSON.stringify({ id: 'x', line: 2, outcome: 'sent' })}\n{"id":"y","li`);
    expect([...(await readEarlierResults(path, false)).done.keys()]).to.deep.equal(['x']);
    expect((await readEarlierResults(join(dir, 'none.jsonl'), false)).done.size).to.equal(0);
  });
});
