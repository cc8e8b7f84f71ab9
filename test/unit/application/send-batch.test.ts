import { expect } from 'chai';
import { createHash } from 'node:crypto';
import sinon from 'sinon';
import { InMemoryIdempotencyStore } from '../../../src/adapters/idempotency/in-memory-idempotency-store.js';
import { BatchRowSender, rowKey } from '../../../src/application/batch/batch-row-sender.js';
import { NOT_SENT_STOPPED, type BatchRow, type RowRead, type RowResult } from '../../../src/application/batch/batch-row.js';
import { SendBatch, type SendBatchOptions } from '../../../src/application/batch/send-batch.js';
import { RateLimitExceededError } from '../../../src/application/guards/guard-errors.js';
import { fingerprintOf, IdempotentExecution } from '../../../src/application/idempotency/idempotent-execution.js';
import { ProviderTimeoutError, ProviderUnavailableError, type SmsReceipt } from '../../../src/application/ports/sms-gateway.js';
import { SendSms } from '../../../src/application/send-sms.js';
import type { Sms } from '../../../src/domain/sms.js';
import { FakeClock } from '../../support/fake-clock.js';
import { InMemorySmsGateway } from '../../support/in-memory-sms-gateway.js';
import { silentLogger } from '../../support/log-capture.js';

/** A gateway whose sends stay open until the test lets them go, recording when each started. */
class HeldGateway extends InMemorySmsGateway {
  readonly startedAt: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly clock: FakeClock,
    private readonly hold: boolean,
  ) {
    super('twilio');
  }

  override async send(sms: Sms): Promise<SmsReceipt> {
    this.startedAt.push(this.clock.now().getTime());
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (this.hold) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight -= 1;
    return super.send(sms);
  }

  releaseAll(): number {
    const count = this.waiting.length;
    for (const resolve of this.waiting.splice(0)) resolve();
    return count;
  }
}

const rowsOf = (count: number, from = 0): RowRead[] =>
  Array.from({ length: count }, (_, i) => ({
    row: { id: `r${from + i}`, line: from + i + 2, receiver: `+1555${String(from + i).padStart(7, '0')}`, body: `Message ${from + i}` },
  }));

async function* stream(rows: readonly RowRead[]): AsyncIterable<RowRead> {
  for (const read of rows) yield read;
}

function setUp(gateway: InMemorySmsGateway, clock: FakeClock, store = new InMemoryIdempotencyStore(() => clock.now().getTime())) {
  const sendSms = new SendSms(gateway, clock, silentLogger);
  const idempotency = new IdempotentExecution(store, silentLogger, { ttlMs: 60_000, inFlightTtlMs: 60_000 });
  const sender = new BatchRowSender(sendSms, idempotency, clock);
  return { sender, batch: new SendBatch(sender, clock), store };
}

const OPTIONS: SendBatchOptions = { batch: 'test.csv', concurrency: 4, defaultSender: 'ACME', done: new Set() };

/** The store key IdempotentExecution writes a row's claim under. */
const storeKeyOf = (batch: string, id: string, retry = 0) => createHash('sha256').update(`batch\n${rowKey(batch, id, retry)}`).digest('base64url');

/** Advances the fake clock past each sleep until `work` settles. */
async function drive<T>(clock: FakeClock, work: Promise<T>, onTurn: () => void = () => {}): Promise<T> {
  let settled = false;
  void work.finally(() => (settled = true));
  while (!settled) {
    await new Promise((resolve) => setImmediate(resolve));
    onTurn();
    const next = Math.min(...clock.pendingSleeps);
    if (Number.isFinite(next)) clock.advance(next);
  }
  return work;
}

describe('SendBatch', () => {
  it('sends every row once, never more than `concurrency` at a time, and reports each result', async () => {
    const clock = new FakeClock();
    const gateway = new HeldGateway(clock, true);
    const { batch } = setUp(gateway, clock);
    const results: RowResult[] = [];
    const summary = await drive(clock, batch.execute(stream(rowsOf(10)), OPTIONS, { result: (r) => results.push(r) }), () => gateway.releaseAll());
    expect(gateway.maxInFlight).to.equal(4);
    expect(gateway.sent.map((sms) => sms.body.value).sort()).to.deep.equal(rowsOf(10).map((r) => ('row' in r ? r.row.body : '')).sort());
    expect(summary).to.include({ rows: 10, sent: 10, rejected: 0, failed: 0, skipped: 0, interrupted: false });
    expect(results.map((r) => r.outcome)).to.deep.equal(Array(10).fill('sent'));
    expect(results[0]).to.include({ provider: 'twilio', status: 'queued', numSegments: 1, encoding: 'GSM-7' });
  });

  it('starts rows on an even schedule at --rate: 50/s is one every 20 ms', async () => {
    const clock = new FakeClock(0);
    const gateway = new HeldGateway(clock, false);
    const { batch } = setUp(gateway, clock);
    await drive(clock, batch.execute(stream(rowsOf(20)), { ...OPTIONS, ratePerSecond: 50 }, { result: () => {} }));
    expect(gateway.startedAt).to.deep.equal(Array.from({ length: 20 }, (_, i) => i * 20));
  });

  it('skips rows done in an earlier run and rows a stop request leaves untaken', async () => {
    const clock = new FakeClock();
    const gateway = new InMemorySmsGateway('twilio');
    const { batch } = setUp(gateway, clock);
    let taken = 0;
    const stop = new AbortController();
    const summary = await batch.execute(
      stream(rowsOf(10)),
      { ...OPTIONS, concurrency: 1, done: new Set(['r0', 'r1']), signal: stop.signal },
      { result: () => (taken += 1) === 5 && stop.abort() },
    );
    expect(summary).to.include({ skipped: 2, sent: 5, interrupted: true });
    expect(gateway.sent.map((sms) => sms.body.value)).to.deep.equal(['Message 2', 'Message 3', 'Message 4', 'Message 5', 'Message 6']);
  });

  it('on a stop, ends the waits of rows held by the rate limit at once and records them as not sent, sending nothing more', async () => {
    const clock = new FakeClock();
    const gateway = new InMemorySmsGateway('twilio');
    const { batch } = setUp(gateway, clock);
    const limited = new RateLimitExceededError({ allowed: false, limit: 5, remaining: 0, resetMs: 60_000 });
    // The first two rows go out; the limit is then used up for a minute.
    const execute = sinon.stub(SendSms.prototype, 'execute').callThrough();
    execute.onCall(2).rejects(limited).onCall(3).rejects(limited).onCall(4).rejects(limited);
    const stop = new AbortController();
    const results: RowResult[] = [];
    const running = batch.execute(stream(rowsOf(10)), { ...OPTIONS, concurrency: 3, signal: stop.signal }, { result: (r) => results.push(r) });
    await clock.untilSleeping(3);
    expect(clock.pendingSleeps).to.deep.equal([60_000, 60_000, 60_000]);
    stop.abort();
    const summary = await running;
    expect(gateway.sent).to.have.length(2);
    expect(summary).to.include({ sent: 2, stopped: 3, failed: 0, interrupted: true });
    expect(results.filter((r) => r.outcome !== 'sent')).to.deep.equal(
      ['r2', 'r3', 'r4'].map((id, i) => ({ id, line: i + 4, outcome: 'failed', error: NOT_SENT_STOPPED })),
    );
    expect(clock.pendingSleeps).to.deep.equal([]);
  });

  it('on a stop, does not wait out the pacing of --rate', async () => {
    const clock = new FakeClock(0);
    const gateway = new InMemorySmsGateway('twilio');
    const { batch } = setUp(gateway, clock);
    const stop = new AbortController();
    const running = batch.execute(stream(rowsOf(5)), { ...OPTIONS, ratePerSecond: 0.01, signal: stop.signal }, { result: () => {} });
    await clock.untilSleeping(1);
    stop.abort();
    expect(await running).to.include({ sent: 1, interrupted: true });
  });

  it('records unreadable rows as rejected and rows the provider could not take as failed, naming the provider', async () => {
    const clock = new FakeClock();
    const gateway = new InMemorySmsGateway('twilio').failNext(new ProviderUnavailableError('twilio', 'Twilio could not be reached'));
    const { batch } = setUp(gateway, clock);
    const results: RowResult[] = [];
    const rows: RowRead[] = [{ bad: { line: 2, problem: 'the row has 3 fields, the header 2' } }, ...rowsOf(1), { row: { id: 'x', line: 9, receiver: '+1 555', body: 'hi' } }];
    const summary = await batch.execute(stream(rows), { ...OPTIONS, concurrency: 1 }, { result: (r) => results.push(r) });
    expect(summary).to.include({ rows: 3, sent: 0, rejected: 2, failed: 1 });
    expect(results).to.deep.equal([
      { id: 'line 2', line: 2, outcome: 'rejected', error: 'the row has 3 fields, the header 2' },
      { id: 'r0', line: 2, outcome: 'failed', error: 'Twilio could not be reached', provider: 'twilio' },
      { id: 'x', line: 9, outcome: 'rejected', error: 'receiver must be an E.164 phone number, e.g. +15558675310' },
    ]);
  });
});

describe('BatchRowSender', () => {
  const row: BatchRow = { id: 'r1', line: 2, receiver: '+15558675310', body: 'Your code is 123456' };

  it('replays a row already sent under its key instead of sending it again', async () => {
    const clock = new FakeClock();
    const gateway = new InMemorySmsGateway('twilio');
    const { sender } = setUp(gateway, clock);
    const first = await sender.send(row, 'b.csv', { defaultSender: 'ACME' });
    const second = await sender.send(row, 'b.csv', { defaultSender: 'ACME' });
    expect(second.result).to.deep.equal(first.result);
    expect(gateway.sent).to.have.length(1);
    // Another batch name is another key.
    await sender.send(row, 'other.csv', { defaultSender: 'ACME' });
    expect(gateway.sent).to.have.length(2);
  });

  it('keeps a failure that may have sent the row, and does not keep one that certainly did not', async () => {
    const clock = new FakeClock();
    const gateway = new InMemorySmsGateway('twilio').failNext(new ProviderUnavailableError('twilio', 'unreachable'), new ProviderTimeoutError('twilio', 'no answer'));
    const { sender } = setUp(gateway, clock);
    const unavailable = await sender.send(row, 'b.csv', { defaultSender: 'ACME' });
    expect(unavailable).to.deep.include({ retryable: true });
    const timedOut = await sender.send(row, 'b.csv', { defaultSender: 'ACME' });
    expect(timedOut.result).to.deep.include({ outcome: 'failed', mayHaveBeenSent: true });
    expect(timedOut.retryable).to.equal(false);
    const again = await sender.send(row, 'b.csv', { defaultSender: 'ACME' });
    expect(again.result).to.deep.equal(timedOut.result);
    expect(gateway.attempts).to.have.length(2);
  });

  const fingerprint = fingerprintOf({ sender: 'ACME', receiver: row.receiver, body: row.body });

  it('after a crash of a process that may have called the provider, reports the row as may-have-been-sent instead of sending it', async () => {
    const clock = new FakeClock();
    const gateway = new InMemorySmsGateway('twilio');
    const { sender, store } = setUp(gateway, clock);
    // The dead worker's claim, as IdempotentExecution would have written it.
    await store.claim(storeKeyOf('b.csv', 'r1'), fingerprint, 60_000);
    const { result } = await sender.send(row, 'b.csv', { defaultSender: 'ACME', afterCrash: true });
    expect(result).to.deep.include({ outcome: 'failed', mayHaveBeenSent: true });
    // Nor once the claim has expired: whether the provider took it is still unknown.
    const expired = await sender.send({ ...row, id: 'r2' }, 'b.csv', { defaultSender: 'ACME', afterCrash: true });
    expect(expired.result).to.deep.include({ outcome: 'failed', mayHaveBeenSent: true });
    expect(gateway.attempts).to.have.length(0);
  });

  it('sends a row whose dead holder never reached the provider once its claim expires', async () => {
    const clock = new FakeClock();
    const gateway = new InMemorySmsGateway('twilio');
    const { sender, store } = setUp(gateway, clock);
    await store.claim(storeKeyOf('b.csv', 'r1'), fingerprint, 60_000);
    const held = await sender.send(row, 'b.csv', { defaultSender: 'ACME' });
    expect(held).to.deep.include({ retryable: true });
    expect(gateway.attempts).to.have.length(0);
    clock.advance(60_001);
    const marks: boolean[] = [];
    const sent = await sender.send(row, 'b.csv', { defaultSender: 'ACME', markProviderCall: async (underWay) => void marks.push(underWay) });
    expect(sent.result.outcome).to.equal('sent');
    expect(marks).to.deep.equal([true]);
    expect(gateway.sent).to.have.length(1);
  });

  it('clears the provider-call mark when the row certainly did not go out', async () => {
    const clock = new FakeClock();
    const gateway = new InMemorySmsGateway('twilio').failNext(new ProviderUnavailableError('twilio', 'unreachable'));
    const { sender } = setUp(gateway, clock);
    const marks: boolean[] = [];
    await sender.send(row, 'b.csv', { defaultSender: 'ACME', markProviderCall: async (underWay) => void marks.push(underWay) });
    expect(marks).to.deep.equal([true, false]);
  });

  it('sends a row that may have been sent again under the next retry round, whose key has no answer yet', async () => {
    const clock = new FakeClock();
    const gateway = new InMemorySmsGateway('twilio').failNext(new ProviderTimeoutError('twilio', 'no answer'));
    const { sender } = setUp(gateway, clock);
    expect((await sender.send(row, 'b.csv', { defaultSender: 'ACME' })).result).to.deep.include({ mayHaveBeenSent: true });
    // The first round's stored answer is replayed; the second round sends.
    expect((await sender.send(row, 'b.csv', { defaultSender: 'ACME' })).result).to.deep.include({ mayHaveBeenSent: true });
    const retried = await sender.send(row, 'b.csv', { defaultSender: 'ACME', retry: 1 });
    expect(retried.result).to.deep.include({ outcome: 'sent', retry: 1 });
    expect(gateway.sent).to.have.length(1);
    expect(rowKey('b.csv', 'r1', 1)).to.not.equal(rowKey('b.csv', 'r1'));
  });

  it('rejects a row without a sender when the batch has no default sender, saying so', async () => {
    const clock = new FakeClock();
    const { sender } = setUp(new InMemorySmsGateway('twilio'), clock);
    const { result } = await sender.send(row, 'b.csv');
    expect(result).to.deep.equal({ id: 'r1', line: 2, outcome: 'rejected', error: 'the row has no sender and --sender was not given' });
  });
});
