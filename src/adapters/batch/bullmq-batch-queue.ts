import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { rowKey, type BatchRowSender } from '../../application/batch/batch-row-sender.js';
import type { RowRead, RowResult } from '../../application/batch/batch-row.js';

/** A row as a job carries it: everything needed to send it, nothing more. */
interface RowJob {
  readonly batch: string;
  readonly id: string;
  readonly line: number;
  readonly sender?: string;
  readonly receiver: string;
  readonly body: string;
  /** The `--retry-uncertain` round (absent for the first send): each round has its own idempotency key. */
  readonly retry?: number;
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
// Per queue, by job id: each row's last outcome; the rows whose last failure may have sent them; the retry round of
// rows sent again with --retry-uncertain.
const outcomesKey = (name: string) => `sms-batch:${name}:outcomes`;
const uncertainKey = (name: string) => `sms-batch:${name}:uncertain`;
const roundsKey = (name: string) => `sms-batch:${name}:rounds`;

export interface EnqueueSummary {
  rows: number;
  /** Jobs added by this run (new rows, and failed ones put back). */
  enqueued: number;
  /** Rows whose job was already waiting, delayed or running. */
  alreadyQueued: number;
  /** Rows already sent or rejected. */
  alreadyDone: number;
  /** Rows that failed in a way that may have sent them: not put back unless asked. */
  uncertain: number;
  invalid: Array<{ line: number; problem: string }>;
}

type Entry = { name: string; data: RowJob; opts: Record<string, unknown> & { jobId: string } };

/**
 * Puts every row that `check` accepts on the queue, keyed by the row's idempotency key: enqueuing the same file
 * twice adds nothing, and a row is one job however often it is retried. Like a resume of `send`, it puts back the
 * rows whose job ended failed for sure, and with `retryUncertain` those that may have been sent (under the next
 * round's idempotency key, since their stored answer would be replayed otherwise).
 */
export async function enqueueRows(
  rows: AsyncIterable<RowRead>,
  settings: QueueSettings,
  options: { batch: string; defaultSender?: string; retryUncertain: boolean },
  check: (job: RowJob) => void,
): Promise<EnqueueSummary> {
  const queue = new Queue<RowJob>(settings.name, { connection: connection(settings.url) });
  const redis = new Redis(settings.url, { maxRetriesPerRequest: 3 });
  const summary: EnqueueSummary = { rows: 0, enqueued: 0, alreadyQueued: 0, alreadyDone: 0, uncertain: 0, invalid: [] };
  let chunk: Entry[] = [];
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const add = await sortOut(queue, redis, settings.name, chunk, options.retryUncertain, summary);
    if (add.length > 0) await queue.addBulk(add);
    summary.enqueued += add.length;
    chunk = [];
  };
  try {
    for await (const read of rows) {
      summary.rows += 1;
      if ('bad' in read) {
        summary.invalid.push(read.bad);
        continue;
      }
      const sender = read.row.sender ?? options.defaultSender;
      const data: RowJob = { batch: options.batch, ...read.row, ...(sender === undefined ? {} : { sender }) };
      try {
        check(data);
      } catch (error) {
        summary.invalid.push({ line: read.row.line, problem: error instanceof Error ? error.message : String(error) });
        continue;
      }
      chunk.push({ name: 'sms', data, opts: { jobId: rowKey(options.batch, read.row.id), attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 500 } } });
      if (chunk.length >= ENQUEUE_CHUNK) await flush();
    }
    await flush();
  } finally {
    await queue.close();
    redis.disconnect();
  }
  return summary;
}

/** Which rows of a chunk to add, from their jobs and recorded outcomes (one round trip); counts the others. */
async function sortOut(
  queue: Queue<RowJob>,
  client: Redis,
  name: string,
  chunk: Entry[],
  retryUncertain: boolean,
  summary: EnqueueSummary,
): Promise<Entry[]> {
  const ids = chunk.map((entry) => entry.opts.jobId);
  const ask = client.pipeline();
  for (const id of ids) ask.exists(queue.toKey(id));
  ask.hmget(outcomesKey(name), ...ids);
  ask.smismember(uncertainKey(name), ...ids);
  ask.hmget(roundsKey(name), ...ids);
  const replies = ((await ask.exec()) ?? []).map(([error, value]: [Error | null, unknown]) => {
    if (error !== null) throw error;
    return value;
  });
  const exists = replies.slice(0, ids.length) as number[];
  const [outcomes, uncertain, rounds] = replies.slice(ids.length) as [Array<string | null>, number[], Array<string | null>];
  const add: Entry[] = [];
  const newRounds: string[] = [];
  for (const [index, entry] of chunk.entries()) {
    const outcome = outcomes[index];
    const round = Number(rounds[index] ?? 0);
    if (outcome === 'sent' || outcome === 'rejected') {
      summary.alreadyDone += 1;
      continue;
    }
    if (outcome === 'failed' && uncertain[index] === 1 && !retryUncertain) {
      summary.uncertain += 1;
      continue;
    }
    const next = outcome === 'failed' && uncertain[index] === 1 ? round + 1 : round;
    if (outcome === 'failed') {
      // Its job is over: take it away so that one with the same id can be added; a job still running stays.
      if (exists[index] === 1 && (await queue.remove(entry.opts.jobId)) === 0) {
        summary.alreadyQueued += 1;
        continue;
      }
    } else if (exists[index] === 1) {
      summary.alreadyQueued += 1;
      continue;
    }
    if (next !== round) newRounds.push(entry.opts.jobId, String(next));
    add.push(next === 0 ? entry : { ...entry, data: { ...entry.data, retry: next } });
  }
  if (newRounds.length > 0) await client.hset(roundsKey(name), ...newRounds);
  return add;
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
  /** Stops taking jobs, ends the waits of the active ones at once (they go back on the queue), awaits provider calls under way. */
  close(): Promise<void>;
}

/** Written to a job just before its row goes to the provider, for the attempt it is: what a crash leaves behind. */
interface ProviderCallMark {
  readonly providerCall: number;
}

const isMark = (progress: unknown, attempt: number): boolean =>
  typeof progress === 'object' && progress !== null && (progress as ProviderCallMark).providerCall === attempt;

/**
 * Processes the queue's rows with BullMQ: each through BatchRowSender (same guards, failover and idempotency as
 * the HTTP path, the idempotency store shared in Redis). A worker killed mid-row leaves its job locked for 10 s;
 * another worker then takes it. Each job is marked just before its row goes to the provider, so the next worker
 * knows: a row the dead worker had not passed to the provider is sent (once the dead worker's claim on its key
 * expires), one it had may already be at the provider and is reported failed, may have been sent, rather than
 * sent twice (`enqueue --retry-uncertain` sends it again once checked).
 */
export function startWorker(settings: WorkerSettings, sender: BatchRowSender, onResult: (result: RowResult) => void): RunningWorker {
  const redis = new Redis(settings.url, { maxRetriesPerRequest: 3 });
  const stop = new AbortController();
  const record = async (jobId: string | undefined, result: RowResult): Promise<void> => {
    if (jobId !== undefined) {
      const write = redis.multi().hset(outcomesKey(settings.name), jobId, result.outcome);
      if (result.mayHaveBeenSent === true) write.sadd(uncertainKey(settings.name), jobId);
      else write.srem(uncertainKey(settings.name), jobId);
      await write.exec();
    }
    onResult(result);
  };
  const worker = new Worker<RowJob, RowResult>(
    settings.name,
    async (job: Job<RowJob>, token?: string) => {
      const { batch, sender: rowSender, retry, ...row } = job.data;
      const attempt = job.attemptsMade;
      const { result, retryable, stopped } = await sender.send({ ...row, ...(rowSender === undefined ? {} : { sender: rowSender }) }, batch, {
        signal: stop.signal,
        ...(retry === undefined ? {} : { retry }),
        // A job that stalled was held by a worker that died: if it had marked the row, the provider may have it.
        afterCrash: job.stalledCounter > 0 && isMark(job.progress, attempt),
        markProviderCall: (underWay) => job.updateProgress(underWay ? ({ providerCall: attempt } satisfies ProviderCallMark) : 0),
      });
      if (stopped === true) {
        // Stopped before the provider: back on the queue as it was, without using up an attempt.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      // Thrown, the job is tried again later; its idempotency key makes that safe.
      if (retryable && attempt + 1 < ATTEMPTS) throw new Error(result.error ?? 'row not sent yet');
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
      stop.abort();
      await worker.close();
      await queue.close();
      redis.disconnect();
      resolveStopped();
    })());
  const queue = new Queue(settings.name, { connection: connection(settings.url) });
  const poll = setInterval(() => {
    if (!settings.untilEmpty) return;
    void queue
      .getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children')
      .then(async (counts) => {
        if (Object.values(counts).every((count) => count === 0)) await close();
      })
      .catch(() => {});
  }, 500);
  worker.on('error', () => {});
  return { stopped, close };
}

export interface QueueStatus {
  readonly jobs: Record<string, number>;
  readonly outcomes: Record<string, number>;
  /** Of the failed rows, those that may have been sent. */
  readonly uncertain: number;
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
    return { jobs, outcomes, uncertain: await redis.scard(uncertainKey(settings.name)) };
  } finally {
    await queue.close();
    redis.disconnect();
  }
}
