import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RowOutcome, RowResult } from '../../application/batch/batch-row.js';
import { FileAccessError } from './file-access-error.js';

/** What an earlier run's results say, per row id: the last line written for an id wins. */
export interface EarlierResults {
  /** Ids not to send again, with their outcome: sent, rejected, and failed after the provider may have taken them. */
  readonly done: ReadonlyMap<string, RowOutcome>;
  /** Failures that may have been sent: resent only when asked. */
  readonly uncertain: number;
  /** Rows to send under a later `--retry-uncertain` round's key than the first, by id: few, the retried ones. */
  readonly retries: ReadonlyMap<string, number>;
}

/**
 * Reads a results file written by `send`; none yet is no results. A row failed for sure is sent again on
 * resume; one that may have gone out (a timeout, a reset) is not, unless `retryUncertain`, since that could
 * deliver it twice: it is then sent under the next round's idempotency key, as a stored answer of the last
 * round would otherwise be replayed. Memory: one map entry per row done, about 90 bytes a row (18 MB for 200,000).
 */
export async function readEarlierResults(path: string, retryUncertain: boolean): Promise<EarlierResults> {
  const done = new Map<string, RowOutcome>();
  const uncertain = new Set<string>();
  const retries = new Map<string, number>();
  try {
    for await (const line of createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })) {
      let result: Partial<RowResult>;
      try {
        result = JSON.parse(line) as Partial<RowResult>;
      } catch {
        continue; // a line cut short by a crash: that row counts as missing
      }
      const { id, outcome } = result;
      if (typeof id !== 'string' || (outcome !== 'sent' && outcome !== 'rejected' && outcome !== 'failed')) continue;
      const maybe = outcome === 'failed' && result.mayHaveBeenSent === true;
      const round = typeof result.retry === 'number' && Number.isInteger(result.retry) && result.retry > 0 ? result.retry : 0;
      if (maybe) uncertain.add(id);
      else uncertain.delete(id);
      // A round's key is used again until the row is done or may have been sent under it.
      if (maybe && retryUncertain) retries.set(id, round + 1);
      else if (round > 0) retries.set(id, round);
      else retries.delete(id);
      if (outcome !== 'failed' || (maybe && !retryUncertain)) done.set(id, outcome);
      else done.delete(id);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') return { done, uncertain: 0, retries };
    throw FileAccessError.from(path, 'read', error);
  }
  for (const id of done.keys()) retries.delete(id);
  return { done, uncertain: uncertain.size, retries };
}

/**
 * Appends one JSON line per finished row. Each line is handed to the operating system as it is written, so a
 * crash of the process loses no finished row.
 */
export class ResultsWriter {
  private readonly fd: number;

  /** Opens (or creates) the file; throws FileAccessError when it cannot. */
  constructor(path: string) {
    try {
      this.fd = openSync(path, 'a');
    } catch (error) {
      throw FileAccessError.from(path, 'write', error);
    }
  }

  write(result: RowResult): void {
    writeSync(this.fd, `${JSON.stringify(result)}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}
