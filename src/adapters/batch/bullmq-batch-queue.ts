import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { RowRead, RowResult } from '../../application/batch/batch-row.js';
import { rowKey, type BatchRowSender } from '../../application/batch/send-row.js';

/** A row as a job carries it: everything needed to send it, nothing more. */
interface RowJob {
  readonly batch: string;
  readonly id: string;
  readonly line: number;
  readonly sender?: string;
  readonly receiver: string;
  readonly body: string;
}

export interface QueueSettings {
  /** redis:// URL of the queue's Redis. */
  readonly url: string;
  /** Queue name; several batches may share one queue. */
  readonly name: string;
}

// A job whose row could not be sent yet (provider unavailable, another worker holds the row) is tried again,
// up to this many times, 0.5 s after the first failure, doubling (about 17 minutes in all).
const ATTEMPTS = 12;
const ENQUEUE_CHUNK = 500;

const connection = (url: string) => ({ url, maxRetriesPerRequest: null });
const outcomesKey = (name: string) => `sms-batch:${name}:outcomes`;

export interface EnqueueSummary {
  rows: number;
  enqueued: number;
  invalid: Array<{ line: number; problem: string }>;
}

/**
 * Puts every row that `check` accepts on the queue, keyed by the row's idempotency key: enqueuing the same file
 * twice adds nothing, and a row is one job however often it is retried.
 */
export async function enqueueRows(
  rows: AsyncIterable<RowRead>,
  settings: QueueSettings,
  batch: string,
  defaultSender: string | undefined,
  check: (job: RowJob) => void,
): Promise<EnqueueSummary> {
  const queue = new Queue<RowJob>(settings.name, { connection: connection(settings.url) });
  const summary: EnqueueSummary = { rows: 0, enqueued: 0, invalid: [] };
  let chunk: Array<{ name: string; data: RowJob; opts: Record<string, unknown> & { jobId: string } }> = [];
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    await queue.addBulk(chunk);
    summary.enqueued += chunk.length;
    chunk = [];
  };
  try {
    for await (const read of rows) {
      summary.rows += 1;
      if ('bad' in read) {
        summary.invalid.push(read.bad);
        continue;
      }
      const sender = read.row.sender ?? defaultSender;
      const data: RowJob = { batch, ...read.row, ...(sender === undefined ? {} : { sender }) };
      try {
        check(data);
      } catch (error) {
        summary.invalid.push({ line: read.row.line, problem: error instanceof Error ? error.message : String(error) });
        continue;
      }
      chunk.push({ name: 'sms', data, opts: { jobId: rowKey(batch, read.row.id), attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 500 } } });
      if (chunk.length >= ENQUEUE_CHUNK) await flush();
    }
    await flush();
  } finally {
    await queue.close();
  }
  return summary;
}

export interface WorkerSettings extends QueueSettings {
  readonly concurrency: number;
  /** Messages per second across every worker of the queue (BullMQ's global limiter). */
  readonly ratePerSecond?: number;
  /** Stop once the queue has nothing left to do (otherwise run until closed). */
  readonly untilEmpty: boolean;
}

export interface RunningWorker {
  /** Resolves when the worker has stopped: closed, or the queue drained with `untilEmpty`. */
  readonly stopped: Promise<void>;
  /** Stops taking jobs, waits for the active ones. */
  close(): Promise<void>;
}

/**
 * Processes the queue's rows with BullMQ: each through BatchRowSender (same guards, failover and idempotency as
 * the HTTP path, the idempotency store shared in Redis). A worker killed mid-row leaves its job locked for 10 s;
 * another worker then takes it. A row the dead worker had not claimed is sent; one it had claimed may already be
 * at the provider and is reported failed, may have been sent, rather than sent twice.
 */
export function startWorker(settings: WorkerSettings, sender: BatchRowSender, onResult: (result: RowResult) => void): RunningWorker {
  const redis = new Redis(settings.url, { maxRetriesPerRequest: 3 });
  const record = async (jobId: string | undefined, result: RowResult): Promise<void> => {
    if (jobId !== undefined) await redis.hset(outcomesKey(settings.name), jobId, result.outcome);
    onResult(result);
  };
  const worker = new Worker<RowJob, RowResult>(
    settings.name,
    async (job: Job<RowJob>) => {
      const { batch, sender: rowSender, ...row } = job.data;
      // A job that stalled was held by a worker that died: the row it had claimed may be at the provider.
      const { result, retryable } = await sender.send({ ...row, ...(rowSender === undefined ? {} : { sender: rowSender }) }, batch, {
        afterCrash: job.stalledCounter > 0,
      });
      // Thrown, the job is tried again later; its idempotency key makes that safe.
      if (retryable && job.attemptsMade + 1 < ATTEMPTS) throw new Error(result.error ?? 'row not sent yet');
      await record(job.id, result);
      return result;
    },
    {
      connection: connection(settings.url),
      concurrency: settings.concurrency,
      ...(settings.ratePerSecond === undefined ? {} : { limiter: { max: settings.ratePerSecond, duration: 1000 } }),
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 10,
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 10_000 },
    },
  );
  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      clearInterval(poll);
      await worker.close();
      redis.disconnect();
      resolveStopped();
    })());
  const queue = new Queue(settings.name, { connection: connection(settings.url) });
  const poll = setInterval(() => {
    if (!settings.untilEmpty) return;
    void queue
      .getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children')
      .then(async (counts) => {
        if (Object.values(counts).every((count) => count === 0)) {
          await queue.close();
          await close();
        }
      })
      .catch(() => {});
  }, 500);
  worker.on('error', () => {});
  return { stopped, close: async () => {
    await close();
    await queue.close();
  } };
}

export interface QueueStatus {
  readonly jobs: Record<string, number>;
  readonly outcomes: Record<string, number>;
}

/** Jobs by state, and rows by outcome as the workers recorded them. */
export async function queueStatus(settings: QueueSettings): Promise<QueueStatus> {
  const queue = new Queue(settings.name, { connection: connection(settings.url) });
  const redis = new Redis(settings.url, { maxRetriesPerRequest: 3 });
  try {
    const jobs = await queue.getJobCounts('wait', 'active', 'delayed', 'completed', 'failed');
    const outcomes: Record<string, number> = { sent: 0, rejected: 0, failed: 0 };
    let cursor = '0';
    do {
      const [next, entries] = await redis.hscan(outcomesKey(settings.name), cursor, 'COUNT', 1000);
      cursor = next;
      for (let i = 1; i < entries.length; i += 2) {
        const outcome = entries[i] as string;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    } while (cursor !== '0');
    return { jobs, outcomes };
  } finally {
    await queue.close();
    redis.disconnect();
  }
}
