import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/provider-emulator.js';
import { batch, runBatch } from '../support/batch-cli.js';
import { SHARED_REDIS_URL, uniquePrefix } from '../support/redis.js';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../support/service.js';

describe('sms-batch on a BullMQ queue: two workers, one killed mid-batch (end to end, real Redis)', function () {
  this.timeout(90_000);
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({ twilioAuthToken: TEST_AUTH_TOKEN, latencyMs: 20 });
  });
  after(() => emulator.close());

  it('loses no row and sends none twice: each row is sent once, or reported as possibly sent, never both or neither', async () => {
    const rows = 400;
    const dir = mkdtempSync(join(tmpdir(), 'sms-queue-e2e-'));
    const file = join(dir, 'campaign.csv');
    writeFileSync(file, ['receiver,body,id', ...Array.from({ length: rows }, (_, i) => `+1555${String(i).padStart(7, '0')},Notice ${i},n${i}`)].join('\n'));
    const queue = ['--queue', SHARED_REDIS_URL, '--name', `test-${uniquePrefix().replace(/:/g, '-')}`];
    const env = {
      SERVICE_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_BASE_URL: emulator.url,
      RATE_LIMIT_ENABLED: 'false',
      EXPONENTIAL_DELAY_RESET_AFTER: '0',
      REDIS_KEY_PREFIX: uniquePrefix(),
    };

    const enqueued = await batch(['enqueue', file, ...queue, '--sender', 'ACME'], env);
    expect(enqueued.status, enqueued.stderr).to.equal(0);
    expect(enqueued.stdout).to.include(`enqueued: ${rows}`);
    // Enqueuing the same file again adds nothing: a row is one job.
    expect((await batch(['enqueue', file, ...queue, '--sender', 'ACME'], env)).status).to.equal(0);

    const doomed = runBatch(['worker', ...queue, '--concurrency', '5', '--rate', '200'], env);
    const survivor = runBatch(['worker', ...queue, '--concurrency', '5', '--rate', '200', '--until-empty', '--results', join(dir, 'survivor.jsonl')], env);
    while (emulator.count() < 120) await new Promise((resolve) => setTimeout(resolve, 10));
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).to.equal('SIGKILL');
    const survivorStatus = await survivor.exited;

    const status = await batch(['status', ...queue], env);
    const rowsLine = /^rows: .*$/m.exec(status.stdout)?.[0] ?? '';
    const outcome = (name: string) => Number(new RegExp(`${name} (\\d+)`).exec(rowsLine)?.[1]);
    const accepted = new Map<string, number>();
    for (const call of emulator.calls()) {
      if (call.outcome === 201) accepted.set(call.form.Body ?? '', (accepted.get(call.form.Body ?? '') ?? 0) + 1);
    }
    expect([...accepted.values()].filter((count) => count > 1), 'rows the provider accepted twice').to.deep.equal([]);
    expect(outcome('sent') + outcome('failed'), status.stdout).to.equal(rows);
    expect(outcome('rejected')).to.equal(0);
    // A row is accepted by the provider once; rows the killed worker held are reported as possibly sent.
    expect(accepted.size).to.be.within(outcome('sent'), rows);
    expect(outcome('sent') + outcome('failed')).to.be.at.least(accepted.size);
    expect(outcome('failed'), 'at most the rows the killed worker had in flight').to.be.at.most(5);
    expect(survivorStatus).to.equal(outcome('failed') === 0 ? 0 : 2);
    expect(status.stdout).to.include('wait 0, active 0, delayed 0');
  });
});
