import { closeSync, createReadStream, existsSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RowOutcome, RowResult } from '../../application/batch/batch-row.js';

/** What an earlier run's results say, per row id: the last line written for an id wins. */
export interface EarlierResults {
  /** Ids not to send again: sent, rejected, and failed after the provider may have taken them. */
  readonly done: ReadonlyMap<string, RowOutcome>;
  /** Of those, the failures that may have been sent: resent only when asked. */
  readonly uncertain: number;
}

/**
 * Reads a results file written by `send`. A row failed for sure is sent again on resume; one that may have
 * gone out (a timeout, a reset) is not, unless `retryUncertain`, since that could deliver it twice.
 */
export async function readEarlierResults(path: string, retryUncertain: boolean): Promise<EarlierResults> {
  const last = new Map<string, { outcome: RowOutcome; uncertain: boolean }>();
  if (!existsSync(path)) return { done: new Map(), uncertain: 0 };
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    let result: Partial<RowResult>;
    try {
      result = JSON.parse(line) as Partial<RowResult>;
    } catch {
      continue; // a line cut short by a crash: that row counts as missing
    }
    if (typeof result.id !== 'string' || (result.outcome !== 'sent' && result.outcome !== 'rejected' && result.outcome !== 'failed')) continue;
    last.set(result.id, { outcome: result.outcome, uncertain: result.mayHaveBeenSent === true });
  }
  const done = new Map<string, RowOutcome>();
  let uncertain = 0;
  for (const [id, { outcome, uncertain: maybe }] of last) {
    if (outcome === 'failed' && maybe) uncertain += 1;
    if (outcome !== 'failed' || (maybe && !retryUncertain)) done.set(id, outcome);
  }
  return { done, uncertain };
}

/**
 * Appends one JSON line per finished row. Each line is handed to the operating system as it is written, so a
 * crash of the process loses no finished row.
 */
export class ResultsWriter {
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }

  write(result: RowResult): void {
    writeSync(this.fd, `${JSON.stringify(result)}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}
