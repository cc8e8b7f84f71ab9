import type { Clock } from '../ports/clock.js';
import type { BatchRowSender, RowSendResult } from './batch-row-sender.js';
import { BatchFileError, type BatchRow, type RowRead, type RowResult } from './batch-row.js';

export interface SendBatchOptions {
  /** Names the batch: with a row's id it makes the row's idempotency key. */
  readonly batch: string;
  /** Rows sent at the same time. */
  readonly concurrency: number;
  /** Rows started per second at most; none when absent. */
  readonly ratePerSecond?: number;
  /** Sender of rows that have none. */
  readonly defaultSender?: string;
  /** Ids whose outcome is already known (from an earlier run's results): not sent again. */
  readonly done: { has(id: string): boolean };
  /** Rows to send in a later `--retry-uncertain` round than the first, by id. */
  readonly retries?: ReadonlyMap<string, number>;
  /**
   * Aborts to stop: no new row is taken, rows still waiting (for the rate, the rate limit, a back-off) are not
   * sent, and only the provider calls under way are awaited.
   */
  readonly signal?: AbortSignal;
}

export interface BatchProgress {
  rows: number;
  sent: number;
  rejected: number;
  failed: number;
  skipped: number;
  /** Rows the stop kept from the provider (recorded as failed, not sent: a resume sends them). */
  stopped: number;
  inFlight: number;
}

export interface BatchSummary extends BatchProgress {
  /** True when it stopped before the end of the file. */
  readonly interrupted: boolean;
  /** The file broke off and no row after `fileError.line` was read. */
  readonly fileError?: BatchFileError;
}

export interface BatchObserver {
  /** Called with each row's result, as it finishes, in the order rows finish. */
  result(result: RowResult): void;
  progress?(progress: Readonly<BatchProgress>): void;
}

/**
 * Sends a stream of rows through BatchRowSender with bounded concurrency and an optional steady rate. Reading
 * waits for a free slot, so memory holds `concurrency` rows whatever the size of the file.
 */
export class SendBatch {
  constructor(
    private readonly sender: BatchRowSender,
    private readonly clock: Clock,
  ) {}

  async execute(rows: AsyncIterable<RowRead>, options: SendBatchOptions, observer: BatchObserver): Promise<BatchSummary> {
    const progress: BatchProgress = { rows: 0, sent: 0, rejected: 0, failed: 0, skipped: 0, stopped: 0, inFlight: 0 };
    const stopping = (): boolean => options.signal?.aborted === true;
    const slots = new Slots(options.concurrency);
    const pacer = options.ratePerSecond === undefined ? undefined : new Pacer(options.ratePerSecond, this.clock);
    const record = (result: RowResult, stopped = false): void => {
      if (stopped) progress.stopped += 1;
      else progress[result.outcome] += 1;
      observer.result(result);
      observer.progress?.(progress);
    };
    let interrupted = false;
    let fileError: BatchFileError | undefined;
    try {
      for await (const read of rows) {
        if (stopping()) {
          interrupted = true;
          break;
        }
        progress.rows += 1;
        if ('bad' in read) {
          const { line, problem } = read.bad;
          const id = read.bad.id ?? `line ${line}`;
          if (options.done.has(id)) progress.skipped += 1;
          else record({ id, line, outcome: 'rejected', error: problem });
          continue;
        }
        if (options.done.has(read.row.id)) {
          progress.skipped += 1;
          observer.progress?.(progress);
          continue;
        }
        await slots.take();
        if (pacer !== undefined && !stopping()) await pacer.next(options.signal);
        if (stopping()) {
          slots.give();
          progress.rows -= 1;
          interrupted = true;
          break;
        }
        progress.inFlight += 1;
        void this.sendOne(read.row, options).then(({ result, stopped }) => {
          progress.inFlight -= 1;
          slots.give();
          record(result, stopped === true);
        });
      }
    } catch (error) {
      if (!(error instanceof BatchFileError)) {
        // The rows in flight still finish and are recorded before the error goes up.
        await slots.drained();
        throw error;
      }
      fileError = error;
    }
    await slots.drained();
    return { ...progress, interrupted, ...(fileError === undefined ? {} : { fileError }) };
  }

  private async sendOne(row: BatchRow, options: SendBatchOptions): Promise<RowSendResult> {
    try {
      return await this.sender.send(row, options.batch, {
        defaultSender: options.defaultSender,
        signal: options.signal,
        retry: options.retries?.get(row.id),
      });
    } catch (error) {
      return { result: { id: row.id, line: row.line, outcome: 'failed', error: error instanceof Error ? error.message : String(error) }, retryable: false };
    }
  }
}

/** A counting semaphore: `take` waits while every slot is busy. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  private readonly idle: Array<() => void> = [];

  constructor(private readonly size: number) {
    this.free = size;
  }

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next !== undefined) {
      next();
      return;
    }
    this.free += 1;
    if (this.free === this.size) for (const resolve of this.idle.splice(0)) resolve();
  }

  async drained(): Promise<void> {
    if (this.free === this.size) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}

// How far behind its schedule the pacer may catch up: timer jitter is absorbed, a long pause is not made up.
const CATCH_UP_MS = 50;

/**
 * Spaces starts evenly at `rate` per second on an absolute schedule, so timer jitter does not slow the rate down.
 * After a pause (a slow provider, a full pool) at most 50 ms of starts are caught up, one interval at least.
 */
class Pacer {
  private readonly intervalMs: number;
  private nextAt: number | undefined;

  constructor(
    rate: number,
    private readonly clock: Clock,
  ) {
    this.intervalMs = 1000 / rate;
  }

  async next(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now().getTime();
    const at = this.nextAt === undefined ? now : Math.max(this.nextAt, now - Math.max(this.intervalMs, CATCH_UP_MS));
    this.nextAt = at + this.intervalMs;
    if (at > now) await this.clock.sleep(at - now, signal);
  }
}
