import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/provider-emulator.js';
import { batch, runBatch } from '../support/batch-cli.js';
import { redisClient, SHARED_REDIS_URL, uniquePrefix } from '../support/redis.js';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../support/service.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sms-batch on a BullMQ queue: two workers, one killed mid-batch (end to end, real Redis)', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  const name = `test-${uniquePrefix().replace(/:/g, '-')}`;
  const keyPrefix = uniquePrefix();

  before(async () => {
    emulator = await startEmulator({ twilioAuthToken: TEST_AUTH_TOKEN, latencyMs: 20 });
  });
  after(async () => {
    await emulator.close();
    // The test's own keys only: the queue's, the workers' records, the idempotency keys and guards.
    const redis = redisClient();
    for (const pattern of [`bull:${name}:*`, `sms-batch:${name}:*`, `${keyPrefix}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
    redis.disconnect();
  });

  it('sends every row exactly once: rows the dead worker had not passed to the provider at once, the ones it had after --retry-uncertain', async () => {
    const rows = 400;
    const dir = mkdtempSync(join(tmpdir(), 'sms-queue-e2e-'));
    const file = join(dir, 'campaign.csv');
    const bodyOf = (i: number) => `Notice ${i}`;
    writeFileSync(file, ['receiver,body,id', ...Array.from({ length: rows }, (_, i) => `+1555${String(i).padStart(7, '0')},${bodyOf(i)},n${i}`)].join('\n'));
    const queue = ['--queue', SHARED_REDIS_URL, '--name', name];
    const env = {
      SERVICE_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_BASE_URL: emulator.url,
      RATE_LIMIT_ENABLED: 'false',
      EXPONENTIAL_DELAY_RESET_AFTER: '0',
      REDIS_KEY_PREFIX: keyPrefix,
    };
    /** Calls the emulator received, and of those it accepted, per body. */
    const calls = () => {
      const received = new Map<string, number>();
      const accepted = new Map<string, number>();
      for (const call of emulator.calls()) {
        const body = call.form.Body ?? '';
        received.set(body, (received.get(body) ?? 0) + 1);
        if (call.outcome === 201) accepted.set(body, (accepted.get(body) ?? 0) + 1);
      }
      return { received, accepted };
    };
    const status = async () => {
      const { stdout } = await batch(['status', ...queue], env);
      const rowsLine = /^rows: .*$/m.exec(stdout)?.[0] ?? '';
      return { stdout, outcome: (name: string) => Number(new RegExp(`${name} (\\d+)`).exec(rowsLine)?.[1] ?? 0) };
    };

    const enqueued = await batch(['enqueue', file, ...queue, '--sender', 'ACME'], env);
    expect(enqueued.status, enqueued.stderr).to.equal(0);
    expect(enqueued.stdout).to.include(`rows: ${rows}\nenqueued: ${rows}\nalready on the queue: 0\nalready done: 0\n`);
    // Enqueuing the same file again adds nothing, and says so: a row is one job.
    const again = await batch(['enqueue', file, ...queue, '--sender', 'ACME'], env);
    expect(again.stdout).to.include(`enqueued: 0\nalready on the queue: ${rows}\nalready done: 0\n`);

    const doomed = runBatch(['worker', ...queue, '--concurrency', '5', '--rate', '200'], env, { ownGroup: true });
    const survivor = runBatch(['worker', ...queue, '--concurrency', '5', '--rate', '200', '--until-empty', '--results', join(dir, 'survivor.jsonl')], env);
    try {
      while (emulator.count() < 120) await sleep(10);
      // From now on the provider holds every call for 3 s: once each worker has 5 calls held, the doomed worker dies
      // with 5 calls under way, which the provider never accepts (it answers a connection that is gone).
      emulator.setLatency(3000);
      const heldFrom = emulator.count();
      while (emulator.count() < heldFrom + 10) await sleep(10);
      doomed.signalGroup('SIGKILL');
      emulator.setLatency(20);
    } finally {
      if (doomed.child.exitCode === null && doomed.child.signalCode === null) doomed.signalGroup('SIGKILL');
    }
    expect(await doomed.exited).to.equal('SIGKILL');
    const survivorStatus = await survivor.exited;

    const first = await status();
    const { received, accepted } = calls();
    expect([...accepted.values()].filter((count) => count > 1), 'rows the provider accepted twice').to.deep.equal([]);
    const unanswered = [...received.keys()].filter((body) => !accepted.has(body)).sort();
    expect(unanswered, 'the calls the doomed worker had under way').to.have.length(5);
    // Every other row was sent exactly once; the five may have been sent as far as anyone can tell, and say so.
    expect(accepted.size).to.equal(rows - 5);
    expect(first.outcome('sent'), first.stdout).to.equal(rows - 5);
    expect(first.outcome('failed')).to.equal(5);
    expect(first.stdout).to.include('(5 may have been sent)');
    const uncertain = readFileSync(join(dir, 'survivor.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; outcome: string; mayHaveBeenSent?: boolean })
      .filter((result) => result.mayHaveBeenSent === true)
      .map((result) => bodyOf(Number(result.id.slice(1))))
      .sort();
    expect(uncertain).to.deep.equal(unanswered);
    expect(survivorStatus).to.equal(2);
    expect(first.stdout).to.include('wait 0, active 0, delayed 0');

    // Enqueued again, the file adds nothing: the rows are done, or may have been sent and wait for a decision.
    const later = await batch(['enqueue', file, ...queue, '--sender', 'ACME'], env);
    expect(later.stdout).to.include(`enqueued: 0\nalready on the queue: 0\nalready done: ${rows - 5}\nnot enqueued, may have been sent: 5`);
    // Checked with the provider (here: the emulator never accepted them), they are sent again on request.
    const retried = await batch(['enqueue', file, ...queue, '--sender', 'ACME', '--retry-uncertain'], env);
    expect(retried.stdout).to.include(`enqueued: 5\nalready on the queue: 0\nalready done: ${rows - 5}\n`);
    expect((await batch(['worker', ...queue, '--until-empty'], env)).status).to.equal(0);
    const final = await status();
    expect(final.outcome('sent'), final.stdout).to.equal(rows);
    expect(final.outcome('failed')).to.equal(0);
    const after = calls().accepted;
    expect(after.size).to.equal(rows);
    expect([...after.values()].every((count) => count === 1), 'every row accepted exactly once').to.equal(true);
  });
});
