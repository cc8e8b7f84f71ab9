import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAccessError } from '../../../src/adapters/batch/file-access-error.js';
import { checkReadable, countRows, readRows } from '../../../src/adapters/batch/row-files.js';
import { BatchFileError, type RowRead } from '../../../src/application/batch/batch-row.js';
import { withUniqueIds } from '../../../src/application/batch/with-unique-ids.js';
import { rejectionOf } from '../../support/rejection.js';

const dir = mkdtempSync(join(tmpdir(), 'sms-rows-'));
let files = 0;

function file(content: string | Buffer, extension = 'csv'): string {
  const path = join(dir, `rows-${++files}.${extension}`);
  writeFileSync(path, content);
  return path;
}

async function all(rows: AsyncIterable<RowRead>): Promise<RowRead[]> {
  const out: RowRead[] = [];
  for await (const read of rows) out.push(read);
  return out;
}

describe('batch files', () => {
  describe('CSV', () => {
    it('reads quoted commas, doubled quotes and line breaks inside a body, with the line each row starts on', async () => {
      const rows = await all(readRows(file('receiver,body\n+15558675310,"Hi, ""Ann""\nsee you"\n+15558675311,plain\n')));
      expect(rows).to.deep.equal([
        { row: { id: '2', line: 2, receiver: '+15558675310', body: 'Hi, "Ann"\nsee you' } },
        { row: { id: '4', line: 4, receiver: '+15558675311', body: 'plain' } },
      ]);
    });

    it('reads a UTF-8 BOM, CRLF line ends, blank lines, columns in any order, sender and id', async () => {
      const text = '\uFEFFid,body,sender,receiver\r\nA-1,"two\r\nlines",ACME,+15558675310\r\n\r\nA-2,ünïcödé ✓,,+15558675311\r\n';
      const rows = await all(readRows(file(Buffer.from(text, 'utf8'))));
      expect(rows).to.deep.equal([
        { row: { id: 'A-1', line: 2, sender: 'ACME', receiver: '+15558675310', body: 'two\r\nlines' } },
        { row: { id: 'A-2', line: 5, receiver: '+15558675311', body: 'ünïcödé ✓' } },
      ]);
    });

    it('reports a row with the wrong number of fields or a missing value by its line, and goes on', async () => {
      const rows = await all(readRows(file('receiver,body,id\n+15558675310,a,b,c\n,no receiver,x2\n+15558675311,fine,x3\n+15558675312,,x4\n')));
      expect(rows).to.deep.equal([
        { bad: { line: 2, problem: 'the row has 4 fields, the header 3' } },
        { bad: { line: 3, id: 'x2', problem: 'receiver is missing' } },
        { row: { id: 'x3', line: 4, receiver: '+15558675311', body: 'fine' } },
        { bad: { line: 5, id: 'x4', problem: 'body is missing' } },
      ]);
    });

    it('reports an id column with an empty id', async () => {
      const [read] = await all(readRows(file('receiver,body,id\n+15558675310,hello,\n')));
      expect(read).to.deep.equal({ bad: { line: 2, problem: 'id must be a non-empty string or number' } });
    });

    for (const [what, content, message] of [
      ['an unknown column', 'receiver,body,priority\n', 'unknown column(s) "priority"'],
      ['a header without body', 'receiver,sender\n', 'the header lacks body'],
      ['an empty file', '', 'the file is empty'],
    ] as const) {
      it(`refuses ${what} as a whole`, async () => {
        const error = await rejectionOf(all(readRows(file(content))), BatchFileError);
        expect(error.message).to.include(message);
      });
    }

    it('stops at an unclosed quote, naming the line the row starts on, after yielding the rows before it', async () => {
      const seen: RowRead[] = [];
      const error = await rejectionOf(
        (async () => {
          for await (const read of readRows(file('receiver,body\n+15558675310,ok\n+15558675311,"never closed\nmore\n'))) seen.push(read);
        })(),
        BatchFileError,
      );
      expect(seen).to.have.length(1);
      expect((error as BatchFileError).line).to.equal(3);
      expect(error.message).to.include('not valid CSV');
    });
  });

  describe('JSON Lines', () => {
    it('reads objects line by line, numeric ids as strings, skipping blank lines and a BOM', async () => {
      const text = '\uFEFF{"receiver":"+15558675310","body":"a"}\n\n{"id":7,"receiver":"+15558675311","body":"b","sender":"ACME"}\r\n';
      expect(await all(readRows(file(text, 'jsonl')))).to.deep.equal([
        { row: { id: '1', line: 1, receiver: '+15558675310', body: 'a' } },
        { row: { id: '7', line: 3, sender: 'ACME', receiver: '+15558675311', body: 'b' } },
      ]);
    });

    it('reports bad JSON, a non-object, an unknown field (__proto__ included) and a wrong type by line', async () => {
      const text = ['{oops', '[1,2]', '{"receiver":"+15558675310","body":"x","__proto__":{}}', '{"receiver":15558675310,"body":"x","id":"n"}'].join('\n');
      const rows = await all(readRows(file(text, 'jsonl')));
      expect(rows).to.deep.equal([
        { bad: { line: 1, problem: 'the line is not valid JSON' } },
        { bad: { line: 2, problem: 'the line must be a JSON object such as {"receiver": "+15558675310", "body": "…"}' } },
        { bad: { line: 3, id: '3', problem: 'unknown field(s) "__proto__"; fields are receiver, body, sender, id' } },
        { bad: { line: 4, id: 'n', problem: 'receiver must be a string' } },
      ]);
    });
  });

  describe('a file that cannot be read', () => {
    for (const extension of ['csv', 'jsonl']) {
      it(`throws FileAccessError for a missing .${extension} file, from the reader and from checkReadable`, async () => {
        const missing = join(dir, `none.${extension}`);
        const error = await rejectionOf(all(readRows(missing)), FileAccessError);
        expect(error.message).to.equal(`cannot read ${missing}: no such file`);
        expect((await rejectionOf(checkReadable(missing), FileAccessError)).message).to.equal(`cannot read ${missing}: no such file`);
      });
    }

    it('says a folder is a folder', async () => {
      expect((await rejectionOf(checkReadable(dir), FileAccessError)).message).to.equal(`cannot read ${dir}: it is a folder, not a file`);
      expect((await rejectionOf(all(readRows(dir)), FileAccessError)).message).to.equal(`cannot read ${dir}: it is a folder, not a file`);
    });
  });

  describe('row count (for the progress bar)', () => {
    it('counts CSV records, not lines: breaks inside quoted bodies, doubled quotes, CRLF, blank lines, no final break', async () => {
      const text = 'receiver,body\r\n+15558675310,"two\r\nlines, ""quoted""\n\nand more"\r\n\r\n+15558675311,plain\r\n+15558675312,"last"';
      const path = file(text);
      expect(await countRows(path)).to.equal((await all(readRows(path))).length).and.to.equal(3);
    });

    it('counts non-blank JSON lines, and nothing for a file that cannot be read', async () => {
      expect(await countRows(file('{"a":1}\n\n  \n{"b":2}\n', 'jsonl'))).to.equal(2);
      expect(await countRows(join(dir, 'none.csv'))).to.equal(undefined);
    });
  });

  it('reports a repeated id on the later line: an id keys one message', async () => {
    const rows = await all(withUniqueIds(readRows(file('receiver,body,id\n+15558675310,a,x\n+15558675311,b,x\n'))));
    expect(rows[1]).to.deep.equal({ bad: { line: 3, problem: 'id "x" was already used on line 2' } });
  });
});
