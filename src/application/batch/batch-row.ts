/** One message of a batch file, as read: not yet checked beyond its shape. */
export interface BatchRow {
  /** The row's `id` column, or its line number when the file has none. Stable across runs: it keys the row. */
  readonly id: string;
  /** Line of the file the row starts on (1 is the header of a CSV file). */
  readonly line: number;
  readonly sender?: string;
  readonly receiver: string;
  readonly body: string;
}

/** A row that could not be read as a message (missing field, wrong number of columns, bad JSON). */
export interface BadRow {
  readonly line: number;
  readonly id?: string;
  readonly problem: string;
}

export type RowRead = { readonly row: BatchRow } | { readonly bad: BadRow };

export type RowOutcome = 'sent' | 'rejected' | 'failed';

/** What became of one row: one line of the results file. */
export interface RowResult {
  readonly id: string;
  readonly line: number;
  readonly outcome: RowOutcome;
  readonly sid?: string;
  readonly status?: string;
  readonly numSegments?: number;
  readonly encoding?: string;
  readonly provider?: string;
  readonly error?: string;
  /** A failure after which the provider may have the message (a timeout, a reset): never resent on its own. */
  readonly mayHaveBeenSent?: boolean;
  /** Which `--retry-uncertain` round sent the row (absent for the first send): each round has its own idempotency key. */
  readonly retry?: number;
}

/** Why a row without a sender of its own cannot be sent when the batch has no default sender either. */
export const NO_SENDER = 'the row has no sender and --sender was not given';

/** The error of a row that the stop of its batch (Ctrl-C) kept from the provider: a resume sends it. */
export const NOT_SENT_STOPPED = 'not sent: the batch was stopped before this row reached the provider; a resume sends it';

/** The file ended in the middle of something no later row can repair (an unclosed quote, say). */
export class BatchFileError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'BatchFileError';
  }
}
