import type { Clock } from '../../src/application/ports/clock.js';

/** A clock that moves only when the test says: sleeps resolve as `advance` passes their end. */
export class FakeClock implements Clock {
  private current: number;
  private sleepers: Array<{ until: number; wake: () => void }> = [];

  constructor(start: Date | number = new Date('2026-12-03T12:00:00.000Z')) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted === true) {
        resolve();
        return;
      }
      const sleeper = { until: this.current + ms, wake: resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((other) => other !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Sleeps not yet over, with the milliseconds each asked for. */
  get pendingSleeps(): number[] {
    return this.sleepers.map((sleeper) => sleeper.until - this.current);
  }

  /** Resolves once something sleeps on this clock (a held message, say), within a real-time limit. */
  async untilSleeping(count = 1, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.sleepers.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} sleeper(s), found ${this.sleepers.length}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  advance(ms: number): void {
    this.current += ms;
    const due = this.sleepers.filter((sleeper) => sleeper.until <= this.current);
    this.sleepers = this.sleepers.filter((sleeper) => sleeper.until > this.current);
    for (const sleeper of due) sleeper.wake();
  }
}
