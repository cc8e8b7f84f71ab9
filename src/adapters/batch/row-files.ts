import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { BatchFileError, type RowRead } from '../../application/batch/batch-row.js';
import { FileAccessError } from './file-access-error.js';

const COLUMNS = ['receiver', 'body', 'sender', 'id'] as const;
type Column = (typeof COLUMNS)[number];
const REQUIRED: readonly Column[] = ['receiver', 'body'];

const isJsonLines = (path: string): boolean => /\.(jsonl|ndjson)$/i.test(path);

/**
 * Rows of a batch file, streamed: JSON Lines for `.jsonl` / `.ndjson`, CSV with a header otherwise. A file that
 * cannot be read throws FileAccessError.
 */
export function readRows(path: string): AsyncIterable<RowRead> {
  return isJsonLines(path) ? readJsonLines(path) : readCsv(path);
}

/** Throws FileAccessError unless `path` is a file that can be read, before anything is done with it. */
export async function checkReadable(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r');
    try {
      await handle.read(Buffer.alloc(1), 0, 1, 0);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw FileAccessError.from(path, 'read', error);
  }
}

// Bytes the row count looks at.
const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * How many rows `readRows` will find, for the ETA, in one pass over the bytes: non-blank lines of JSON Lines, or
 * CSV records less the header, with line breaks inside quoted fields read as the parser reads them (a stray quote
 * inside an unquoted field may make the parser join lines the count does not). Undefined when the file cannot be read.
 */
export async function countRows(path: string): Promise<number | undefined> {
  const csv = !isJsonLines(path);
  let rows = 0;
  let lineHasContent = false;
  // CSV: at the start of a field, inside an unquoted one, inside a quoted one, or just after a quote in a quoted one.
  let state: 'start' | 'plain' | 'quoted' | 'quote' = 'start';
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      for (const byte of chunk) {
        if (csv && state === 'quoted') {
          if (byte === QUOTE) state = 'quote';
          continue;
        }
        if (byte === LF) {
          if (lineHasContent) rows += 1;
          lineHasContent = false;
          state = 'start';
          continue;
        }
        if (byte === CR || (!csv && (byte === 0x20 || byte === 0x09))) continue;
        lineHasContent = true;
        if (!csv) continue;
        if (byte === COMMA) state = 'start';
        else if (byte === QUOTE) state = state === 'start' ? 'quoted' : state === 'quote' ? 'quoted' : 'plain';
        else state = 'plain';
      }
    }
  } catch {
    return undefined;
  }
  if (lineHasContent) rows += 1;
  return csv ? Math.max(0, rows - 1) : rows;
}

/**
 * CSV as RFC 4180 has it (quoted fields with commas, quotes and line breaks; CRLF or LF), with or without a UTF-8
 * BOM, through csv-parse. The header names the columns: receiver and body, optionally sender and id, any order.
 */
export async function* readCsv(path: string): AsyncIterable<RowRead> {
  const parser = parse({ bom: true, raw: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true });
  const source = createReadStream(path);
  let unreadable: unknown;
  source.once('error', (error) => (unreadable = FileAccessError.from(path, 'read', error)));
  // pipeline, not pipe: an error of the file reaches the parser, and so the loop below, instead of crashing Node.
  pipeline(source, parser, () => {});
  let columns: Column[] | undefined;
  // Line numbers come from each record's raw text: blank lines skipped before it, then the breaks inside it.
  let nextLine = 1;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const line = nextLine + countBreaks(LEADING_BREAKS.exec(raw)?.[0] ?? '');
      nextLine += countBreaks(raw);
      if (columns === undefined) {
        columns = readHeader(record);
        continue;
      }
      yield toRow(columns, record, line);
    }
  } catch (error) {
    if (error instanceof BatchFileError) throw error;
    if (unreadable !== undefined) throw unreadable;
    throw new BatchFileError(nextLine, `the file is not valid CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (columns === undefined) throw new BatchFileError(1, 'the file is empty: a CSV batch starts with a header such as receiver,body');
}

const LEADING_BREAKS = /^(?:\r\n|\r|\n)+/;

function countBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

function readHeader(record: string[]): Column[] {
  const names = record.map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !(COLUMNS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new BatchFileError(1, `unknown column(s) ${unknown.map((name) => JSON.stringify(name)).join(', ')}; columns are ${COLUMNS.join(', ')}`);
  }
  const missing = REQUIRED.filter((name) => !names.includes(name));
  if (missing.length > 0) throw new BatchFileError(1, `the header lacks ${missing.join(' and ')}; e.g. receiver,body`);
  if (new Set(names).size !== names.length) throw new BatchFileError(1, 'the header names a column twice');
  return names as Column[];
}

function toRow(columns: readonly Column[], record: readonly string[], line: number): RowRead {
  const cells: Partial<Record<Column, string>> = {};
  columns.forEach((column, index) => {
    cells[column] = record[index];
  });
  const id = columns.includes('id') ? cells.id : String(line);
  if (record.length !== columns.length) {
    // Which cell is the id cannot be known either: the row is named by its line.
    return { bad: { line, problem: `the row has ${record.length} fields, the header ${columns.length}` } };
  }
  return checkFields(cells, id, line);
}

/** JSON Lines: one object per line, {receiver, body} and optionally sender and id. Blank lines are skipped. */
export async function* readJsonLines(path: string): AsyncIterable<RowRead> {
  let line = 0;
  for await (const raw of linesOf(path)) {
    line += 1;
    const text = (line === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
    if (text === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { bad: { line, problem: 'the line is not valid JSON' } };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { bad: { line, problem: 'the line must be a JSON object such as {"receiver": "+15558675310", "body": "…"}' } };
      continue;
    }
    const fields = value as Record<string, unknown>;
    const unknown = Object.keys(fields).filter((name) => !(COLUMNS as readonly string[]).includes(name));
    const rawId = fields.id;
    const id = rawId === undefined ? String(line) : typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : undefined;
    if (unknown.length > 0) {
      yield { bad: { line, id, problem: `unknown field(s) ${unknown.map((name) => JSON.stringify(name)).join(', ')}; fields are ${COLUMNS.join(', ')}` } };
      continue;
    }
    const wrongType = (['receiver', 'body', 'sender'] as const).find((column) => fields[column] != null && typeof fields[column] !== 'string');
    if (wrongType !== undefined) {
      yield { bad: { line, id, problem: `${wrongType} must be a string` } };
      continue;
    }
    const stringOf = (column: Column): string | undefined => (typeof fields[column] === 'string' ? fields[column] : undefined);
    yield checkFields({ receiver: stringOf('receiver'), body: stringOf('body'), sender: stringOf('sender') }, id, line);
  }
}

async function* linesOf(path: string): AsyncIterable<string> {
  try {
    yield* createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  } catch (error) {
    throw FileAccessError.from(path, 'read', error);
  }
}

function checkFields(cells: Partial<Record<Column, string>>, id: string | undefined, line: number): RowRead {
  if (id === undefined || id === '') return { bad: { line, problem: 'id must be a non-empty string or number' } };
  if (id.length > 200) return { bad: { line, problem: 'id must be at most 200 characters' } };
  for (const column of REQUIRED) {
    if (cells[column] === undefined || cells[column] === '') return { bad: { line, id, problem: `${column} is missing` } };
  }
  const sender = cells.sender === undefined || cells.sender === '' ? undefined : cells.sender;
  return { row: { id, line, receiver: cells.receiver as string, body: cells.body as string, ...(sender === undefined ? {} : { sender }) } };
}
