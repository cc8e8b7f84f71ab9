import 'reflect-metadata';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { UnrecordedIdempotencyStore } from '../adapters/idempotency/unrecorded-idempotency-store.js';
import { FileAccessError } from '../adapters/batch/file-access-error.js';
import { ProgressReporter } from '../adapters/batch/progress.js';
import { readEarlierResults, ResultsWriter } from '../adapters/batch/results-file.js';
import { checkReadable, countRows, readRows } from '../adapters/batch/row-files.js';
import { BatchRowSender } from '../application/batch/batch-row-sender.js';
import { NO_SENDER, type BadRow } from '../application/batch/batch-row.js';
import { CheckBatch } from '../application/batch/check-batch.js';
import { SendBatch } from '../application/batch/send-batch.js';
import { withUniqueIds } from '../application/batch/with-unique-ids.js';
import type { IdempotentExecution } from '../application/idempotency/idempotent-execution.js';
import type { Clock } from '../application/ports/clock.js';
import type { SendSms } from '../application/send-sms.js';
import { TOKENS } from '../application/tokens.js';
import { ConfigError, loadConfig } from './config.js';
import { buildContainer, closeContainer } from './container.js';
import { createLogger } from './logger.js';

const USAGE = `usage:
  sms-batch check FILE [--sender S]
  sms-batch send FILE --results OUT.jsonl [--concurrency N] [--rate R/s] [--sender S] [--batch NAME] [--retry-uncertain]
  sms-batch enqueue FILE --queue redis://HOST:PORT [--name QUEUE] [--sender S] [--batch NAME] [--retry-uncertain]
  sms-batch worker --queue redis://HOST:PORT [--name QUEUE] [--concurrency N] [--rate R/s] [--results OUT.jsonl] [--until-empty]
  sms-batch status --queue redis://HOST:PORT [--name QUEUE]

FILE is CSV with a header (receiver,body and optionally sender,id) or JSON Lines (.jsonl).
Providers, guards and Smart Encoding come from the same environment variables as the service.
Exit status: 0 every row sent (or valid, for check), 2 some rejected, failed or not sent (Ctrl-C included),
1 a usage or config error or a file that cannot be read.`;

/** A mistake in the command line or the environment: exit status 1. */
class UsageError extends Error {}

const OPTIONS = {
  results: { type: 'string' },
  concurrency: { type: 'string' },
  rate: { type: 'string' },
  sender: { type: 'string' },
  batch: { type: 'string' },
  queue: { type: 'string' },
  name: { type: 'string' },
  'retry-uncertain': { type: 'boolean' },
  'until-empty': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

export async function runBatchCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, file, ...extra] = positionals;
  if (values.help === true || command === undefined) return usage(undefined, values.help === true ? 0 : 1);
  try {
    if (extra.length > 0) throw new UsageError(`unexpected argument(s): ${extra.join(' ')}`);
    switch (command) {
      case 'check':
        return await check(requireFile(file), values, env);
      case 'send':
        return await send(requireFile(file), values, env);
      case 'enqueue':
        return await enqueue(requireFile(file), values, env);
      case 'worker':
        return await work(values, env);
      case 'status':
        return await status(values);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    if (error instanceof FileAccessError) {
      process.stderr.write(`sms-batch: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function usage(problem: string | undefined, status = 1): number {
  (status === 0 ? process.stdout : process.stderr).write(`${problem === undefined ? '' : `sms-batch: ${problem}\n\n`}${USAGE}\n`);
  return status;
}

function requireFile(file: string | undefined): string {
  if (file === undefined) throw new UsageError('a FILE is required');
  return file;
}

/**
 * The service's own wiring, from the same environment; logs go to stderr, warnings and worse by default. Without
 * Redis a single process keeps no idempotency answers: its results file is the record across runs.
 */
function wire(env: NodeJS.ProcessEnv) {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...env });
  const logger = createLogger(config.logLevel, process.stderr);
  const container = buildContainer(config, () => logger, {
    ...(config.guards.redisUrl === undefined ? { idempotencyStore: new UnrecordedIdempotencyStore() } : {}),
  });
  const sendSms = container.get<SendSms>(TOKENS.SendSms);
  const clock = container.get<Clock>(TOKENS.Clock);
  const sender = new BatchRowSender(sendSms, container.get<IdempotentExecution>(TOKENS.IdempotentExecution), clock);
  return { config, container, sendSms, clock, sender, close: () => closeContainer(container) };
}

/** The results writer; when the file cannot be opened, what `wire` opened is closed before the error goes up. */
async function openResults(path: string, wired: { close(): Promise<void> }): Promise<ResultsWriter> {
  try {
    return new ResultsWriter(path);
  } catch (error) {
    await wired.close();
    throw error;
  }
}

function positiveNumber(name: string, text: string | undefined, fallback: number | undefined, integer: boolean): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text.replace(/\/s$/, ''));
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'whole number' : 'number'}${name === 'rate' ? ' of messages per second, e.g. 50/s' : ''}`);
  }
  return value;
}

function rows(file: string) {
  return withUniqueIds(readRows(file));
}

function printInvalid(invalid: readonly BadRow[]): void {
  for (const bad of invalid) process.stdout.write(`  line ${bad.line}: ${bad.problem}\n`);
}

async function check(file: string, values: Values, env: NodeJS.ProcessEnv): Promise<number> {
  await checkReadable(file);
  const wired = wire(env);
  try {
    const result = await new CheckBatch(wired.sendSms).execute(rows(file), values.sender);
    process.stdout.write(`rows: ${result.rows}\nvalid: ${result.valid}\ninvalid: ${result.invalid.length}\n`);
    printInvalid(result.invalid);
    const byEncoding = Object.entries(result.messagesByEncoding).map(([encoding, count]) => `${encoding} ${count}`);
    process.stdout.write(`messages by encoding: ${byEncoding.join(', ')}\ntotal segments: ${result.totalSegments}\n`);
    if (result.fileError !== undefined) {
      process.stderr.write(`sms-batch: ${file}: ${result.fileError.message}; nothing after it was read\n`);
      return 1;
    }
    return result.invalid.length === 0 ? 0 : 2;
  } finally {
    await wired.close();
  }
}

async function send(file: string, values: Values, env: NodeJS.ProcessEnv): Promise<number> {
  if (values.results === undefined) throw new UsageError('send needs --results OUT.jsonl (it is also what a resume reads)');
  const concurrency = positiveNumber('concurrency', values.concurrency, 10, true) as number;
  const ratePerSecond = positiveNumber('rate', values.rate, undefined, false);
  // Nothing is created, nothing connected, until both files are known to be usable.
  await checkReadable(file);
  const earlier = await readEarlierResults(values.results, values['retry-uncertain'] === true);
  const wired = wire(env);
  const writer = await openResults(values.results, wired);
  const progress = new ProgressReporter(process.stderr, await countRows(file));
  const stop = new AbortController();
  const onSignal = onceThenAtOnce(
    () => {
      stop.abort();
      process.stderr.write('\nsms-batch: stopping: no new message is sent; waiting for the provider calls under way (Ctrl-C again to quit at once)\n');
    },
    () => {
      process.stderr.write('\nsms-batch: stopped at once; rows in flight may be missing from the results\n');
      process.exit(130);
    },
  );
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (earlier.done.size > 0) process.stderr.write(`sms-batch: resuming: ${rowCount(earlier.done.size)} already done in ${values.results}\n`);
    if (earlier.uncertain > 0 && values['retry-uncertain'] !== true) {
      process.stderr.write(`sms-batch: ${rowCount(earlier.uncertain)} failed in a way that may have sent them; they are not resent (see --retry-uncertain)\n`);
    }
    const summary = await new SendBatch(wired.sender, wired.clock).execute(
      rows(file),
      {
        batch: values.batch ?? basename(file),
        concurrency,
        ratePerSecond,
        defaultSender: values.sender,
        done: earlier.done,
        retries: earlier.retries,
        signal: stop.signal,
      },
      { result: (result) => writer.write(result), progress: (state) => progress.update(state) },
    );
    progress.finish();
    process.stdout.write(
      `rows: ${summary.rows}\nsent: ${summary.sent}\nrejected: ${summary.rejected}\nfailed: ${summary.failed}\n` +
        `${summary.stopped > 0 ? `not sent (stopped): ${summary.stopped}\n` : ''}skipped (done earlier): ${summary.skipped}\nresults: ${values.results}\n`,
    );
    if (summary.fileError !== undefined) {
      process.stderr.write(`sms-batch: ${file}: ${summary.fileError.message}; no row after it was read or sent\n`);
      return 1;
    }
    if (summary.interrupted || summary.stopped > 0) {
      process.stderr.write('sms-batch: interrupted: run the same command again to send the rest\n');
      return 2;
    }
    const earlierProblems = [...earlier.done.values()].some((outcome) => outcome !== 'sent');
    return summary.rejected + summary.failed === 0 && !earlierProblems ? 0 : 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    writer.close();
    await wired.close();
  }
}

// BullMQ is loaded only by the queue commands: `check` and `send` do without its memory.
const queueAdapter = () => import('../adapters/batch/bullmq-batch-queue.js');

function queueSettings(values: Values) {
  if (values.queue === undefined || !/^rediss?:\/\//.test(values.queue)) throw new UsageError('--queue must be a redis:// URL');
  return { url: values.queue, name: values.name ?? 'sms-batch' };
}

async function enqueue(file: string, values: Values, env: NodeJS.ProcessEnv): Promise<number> {
  const settings = queueSettings(values);
  await checkReadable(file);
  const wired = wire(env);
  try {
    const { enqueueRows } = await queueAdapter();
    const retryUncertain = values['retry-uncertain'] === true;
    const summary = await enqueueRows(rows(file), settings, { batch: values.batch ?? basename(file), defaultSender: values.sender, retryUncertain }, (job) => {
      if (job.sender === undefined) throw new Error(NO_SENDER);
      wired.sendSms.prepare({ sender: job.sender, receiver: job.receiver, body: job.body });
    });
    process.stdout.write(
      `rows: ${summary.rows}\nenqueued: ${summary.enqueued}\nalready on the queue: ${summary.alreadyQueued}\nalready done: ${summary.alreadyDone}\n` +
        `${summary.uncertain > 0 ? `not enqueued, may have been sent: ${summary.uncertain} (check them, then --retry-uncertain)\n` : ''}invalid: ${summary.invalid.length}\n`,
    );
    printInvalid(summary.invalid);
    return summary.invalid.length === 0 ? 0 : 2;
  } finally {
    await wired.close();
  }
}

async function work(values: Values, env: NodeJS.ProcessEnv): Promise<number> {
  const settings = queueSettings(values);
  // Workers share the idempotency store and the guards through the queue's Redis unless told otherwise. A row
  // claimed by a worker that dies stays claimed until the claim expires (it outlives any send, see container.ts).
  const wired = wire({ REDIS_URL: settings.url, ...env });
  const writer = values.results === undefined ? undefined : await openResults(values.results, wired);
  const counts = { sent: 0, rejected: 0, failed: 0 };
  const { startWorker } = await queueAdapter();
  const worker = startWorker(
    {
      ...settings,
      concurrency: positiveNumber('concurrency', values.concurrency, 10, true) as number,
      ratePerSecond: positiveNumber('rate', values.rate, undefined, false),
      untilEmpty: values['until-empty'] === true,
    },
    wired.sender,
    (result) => {
      counts[result.outcome] += 1;
      writer?.write(result);
    },
  );
  const stop = (): void => void worker.close();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await worker.stopped;
    process.stdout.write(`sent: ${counts.sent}\nrejected: ${counts.rejected}\nfailed: ${counts.failed}\n`);
    return counts.rejected + counts.failed === 0 ? 0 : 2;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    writer?.close();
    await wired.close();
  }
}

async function status(values: Values): Promise<number> {
  const { queueStatus } = await queueAdapter();
  const { jobs, outcomes, uncertain } = await queueStatus(queueSettings(values));
  process.stdout.write(`jobs: ${Object.entries(jobs).map(([state, count]) => `${state} ${count}`).join(', ')}\n`);
  process.stdout.write(
    `rows: ${Object.entries(outcomes).map(([outcome, count]) => `${outcome} ${count}`).join(', ')}${uncertain > 0 ? ` (${uncertain} may have been sent)` : ''}\n`,
  );
  return outcomes.rejected === 0 && outcomes.failed === 0 ? 0 : 2;
}

// A terminal's Ctrl-C reaches sms-batch once from the terminal and again from npm or the launcher passing it on.
const SAME_SIGNAL_MS = 1000;

/** The first signal calls `first`; one more, unless it comes so soon that it is the same one passed on, `again`. */
function onceThenAtOnce(first: () => void, again: () => void): () => void {
  let firstAt: number | undefined;
  return () => {
    const now = Date.now();
    if (firstAt === undefined) {
      firstAt = now;
      first();
    } else if (now - firstAt >= SAME_SIGNAL_MS) {
      again();
    }
  };
}

function rowCount(count: number): string {
  return count === 1 ? '1 row' : `${count} rows`;
}
