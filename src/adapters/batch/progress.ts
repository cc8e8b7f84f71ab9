import type { BatchProgress } from '../../application/batch/send-batch.js';

/**
 * Progress on stderr: a bar redrawn in place on a terminal (rows done, rate, ETA, failures), a plain line every
 * few seconds otherwise (a CI log, a file).
 */
export class ProgressReporter {
  private readonly started = Date.now();
  private lastDraw = 0;
  private last: Readonly<BatchProgress> | undefined;

  constructor(
    private readonly stream: NodeJS.WriteStream | NodeJS.WritableStream,
    /** Rows the file holds as counted before the run (countRows), for the bar and the ETA. */
    private readonly expectedRows: number | undefined,
    private readonly plainEveryMs = 5000,
  ) {}

  private get interactive(): boolean {
    return (this.stream as NodeJS.WriteStream).isTTY === true;
  }

  update(progress: Readonly<BatchProgress>): void {
    this.last = progress;
    const now = Date.now();
    if (now - this.lastDraw < (this.interactive ? 100 : this.plainEveryMs)) return;
    this.lastDraw = now;
    this.draw(progress, false);
  }

  finish(): void {
    if (this.last !== undefined) this.draw(this.last, true);
  }

  private draw(progress: Readonly<BatchProgress>, final: boolean): void {
    const finished = progress.sent + progress.rejected + progress.failed;
    const elapsedS = Math.max(0.001, (Date.now() - this.started) / 1000);
    const rate = finished / elapsedS;
    const done = finished + progress.skipped + progress.stopped;
    const total = this.expectedRows;
    const left = total === undefined ? undefined : Math.max(0, total - done);
    const eta = left === undefined || rate === 0 ? '?' : formatSeconds(left / rate);
    const share = total === undefined || total === 0 ? undefined : Math.min(1, done / total);
    const counts = `${done}${total === undefined ? '' : `/${total}`} rows · ${rate.toFixed(0)}/s · sent ${progress.sent} · rejected ${progress.rejected} · failed ${progress.failed}${progress.skipped > 0 ? ` · skipped ${progress.skipped}` : ''}`;
    if (this.interactive) {
      const width = 24;
      const bar = share === undefined ? '' : `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] `;
      this.stream.write(`\r${bar}${counts} · ETA ${final ? '0s' : eta}\u001b[K${final ? '\n' : ''}`);
    } else {
      this.stream.write(`progress: ${counts}${final ? '' : ` · ETA ${eta}`}\n`);
    }
  }
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}
