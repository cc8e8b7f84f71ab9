import { expect } from 'chai';
import { InMemoryIdempotencyStore } from '../../../src/adapters/idempotency/in-memory-idempotency-store.js';
import type { BatchRow, RowRead, RowResult } from '../../../src/application/batch/batch-row.js';
import { SendBatch, type SendBatchOptions } from '../../../src/application/batch/send-batch.js';
import { BatchRowSender, rowKey } from '../../../src/application/batch/send-row.js';
import { IdempotentExecution } from '../../../src/application/idempotency/idempotent-execution.js';
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

function setUp(gateway: InMemorySmsGateway, clock: FakeClock, store = new InMemoryIdempotencyStore()) {
  const sendSms = new SendSms(gateway, clock, silentLogger);
  const idempotency = new IdempotentExecution(store, silentLogger, { ttlMs: 60_000, inFlightTtlMs: 60_000 });
  const sender = new BatchRowSender(sendSms, idempotency, clock);
  return { sender, batch: new SendBatch(sender, clock), store };
}

const OPTIONS: SendBatchOptions = { batch: 'test.csv', concurrency: 4, defaultSender: 'ACME', done: new Set(), stopRequested: () => false };

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
    const summary = await batch.execute(
      stream(rowsOf(10)),
      { ...OPTIONS, concurrency: 1, done: new Set(['r0', 'r1']), stopRequested: () => taken >= 5 },
      { result: () => (taken += 1) },
    );
    expect(summary).to.include({ skipped: 2, sent: 5, interrupted: true });
    expect(gateway.sent.map((sms) => sms.body.value)).to.deep.equal(['Message 2', 'Message 3', 'Message 4', 'Message 5', 'Message 6']);
  });

  it('records unreadable rows as rejected and rows the provider could not take as failed', async () => {
    const clock = new FakeClock();
    const gateway = new InMemorySmsGateway('twilio').failNext(new ProviderUnavailableError('twilio', 'Twilio could not be reached'));
    const { batch } = setUp(gateway, clock);
    const results: RowResult[] = [];
    const rows: RowRead[] = [{ bad: { line: 2, problem: 'the row has 3 fields, the header 2' } }, ...rowsOf(1), { row: { id: 'x', line: 9, receiver: '+1 555', body: 'hi' } }];
    const summary = await batch.execute(stream(rows), { ...OPTIONS, concurrency: 1 }, { result: (r) => results.push(r) });
    expect(summary).to.include({ rows: 3, sent: 0, rejected: 2, failed: 1 });
    expect(results).to.deep.equal([
      { id: 'line 2', line: 2, outcome: 'rejected', error: 'the row has 3 fields, the header 2' },
      { id: 'r0', line: 2, outcome: 'failed', error: 'Twilio could not be reached' },
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

  it('after a crash, reports a row the dead process had claimed as may-have-been-sent instead of sending it', async () => {
    const clock = new FakeClock();
    const gateway = new InMemorySmsGateway('twilio');
    const { sender, store } = setUp(gateway, clock);
    // The dead worker's claim, as IdempotentExecution would have written it.
    const { fingerprintOf } = await import('../../../src/application/idempotency/idempotent-execution.js');
    const { createHash } = await import('node:crypto');
    const storeKey = createHash('sha256').update(`batch\n${rowKey('b.csv', 'r1')}`).digest('base64url');
    await store.claim(storeKey, fingerprintOf({ sender: 'ACME', receiver: row.receiver, body: row.body }), 60_000);

    const { result } = await sender.send(row, 'b.csv', { defaultSender: 'ACME', afterCrash: true });
    expect(result).to.deep.include({ outcome: 'failed', mayHaveBeenSent: true });
    expect(gateway.attempts).to.have.length(0);
    // A row the dead process had not claimed is sent as usual.
    const other = await sender.send({ ...row, id: 'r2' }, 'b.csv', { defaultSender: 'ACME', afterCrash: true });
    expect(other.result.outcome).to.equal('sent');
  });
});
