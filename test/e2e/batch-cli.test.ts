import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/provider-emulator.js';
import { batch, LAUNCHERS, launcherFlags, processTree, runBatch, type Launcher } from '../support/batch-cli.js';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../support/service.js';

const dir = mkdtempSync(join(tmpdir(), 'sms-batch-e2e-'));
let files = 0;
const path = (name: string) => join(dir, `${++files}-${name}`);

function csv(rows: number, extra: string[] = []): string {
  const file = path('rows.csv');
  const lines = ['receiver,body,id', ...Array.from({ length: rows }, (_, i) => `+1555${String(i).padStart(7, '0')},"Reminder ${i}, see you",row-${i}`), ...extra];
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

const resultsOf = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { id: string; outcome: string; sid?: string; provider?: string; error?: string; mayHaveBeenSent?: boolean; retry?: number })
    : [];

describe('sms-batch (end to end: the real command, Twilio adapter → emulator)', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let env: Record<string, string>;

  before(async () => {
    emulator = await startEmulator({ twilioAuthToken: TEST_AUTH_TOKEN });
    env = {
      SERVICE_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_BASE_URL: emulator.url,
      RATE_LIMIT_ENABLED: 'false',
      EXPONENTIAL_DELAY_RESET_AFTER: '0',
    };
  });
  after(() => emulator.close());
  beforeEach(() => {
    emulator.reset();
    emulator.setLatency(0);
  });

  /** How many times the provider accepted each body. */
  const accepted = () => {
    const counts = new Map<string, number>();
    for (const call of emulator.calls()) {
      if (call.outcome !== 201) continue;
      counts.set(call.form.Body ?? '', (counts.get(call.form.Body ?? '') ?? 0) + 1);
    }
    return counts;
  };

  describe('check', () => {
    it('prints rows, valid, invalid with line and reason, messages by encoding and total segments; sends nothing', async () => {
      const file = csv(3, ['+15550000009,"Ünïcode ✓ text",row-u', '0044 7700 900123,bad,row-bad', '+15550000010,"x"', `+15550000011,${'long '.repeat(40)},row-long`]);
      const { status, stdout } = await batch(['check', file, '--sender', 'ACME'], env);
      expect(stdout).to.equal(
        [
          'rows: 7',
          'valid: 5',
          'invalid: 2',
          '  line 6: receiver must be an E.164 phone number, e.g. +15558675310',
          '  line 7: the row has 2 fields, the header 3',
          'messages by encoding: GSM-7 4, UCS-2 1',
          'total segments: 6',
          '',
        ].join('\n'),
      );
      expect(status).to.equal(2);
      expect(emulator.count()).to.equal(0);
    });

    it('exits 0 when every row is valid, 1 on a usage error or a broken header', async () => {
      expect((await batch(['check', csv(2), '--sender', 'ACME'], env)).status).to.equal(0);
      const noFile = await batch(['check'], env);
      expect(noFile.status).to.equal(1);
      expect(noFile.stderr).to.include('a FILE is required').and.include('usage:');
      const header = path('bad-header.csv');
      writeFileSync(header, 'to,text\n+15558675310,hi\n');
      const broken = await batch(['check', header], env);
      expect(broken.status).to.equal(1);
      expect(broken.stderr).to.include('unknown column(s) "to", "text"');
    });

    it('exits 1 with one clear line for a missing CSV or JSON Lines file', async () => {
      for (const missing of [join(dir, 'none.csv'), join(dir, 'none.jsonl')]) {
        const { status, stdout, stderr } = await batch(['check', missing, '--sender', 'ACME'], env);
        expect(status, stderr).to.equal(1);
        expect(stderr).to.equal(`sms-batch: cannot read ${missing}: no such file\n`);
        expect(stdout).to.equal('');
      }
    });

    it('exits 1 with every configuration problem listed', async () => {
      const { status, stderr } = await batch(['check', csv(1)], { ...env, TWILIO_ACCOUNT_SID: 'nope', RATE_LIMIT_MAX_REQUESTS: '0' });
      expect(status).to.equal(1);
      expect(stderr).to.include('TWILIO_ACCOUNT_SID must be').and.include('RATE_LIMIT_MAX_REQUESTS must be');
    });
  });

  describe('send', () => {
    it('sends every row of a CSV file once and writes one result line per row; exit 0', async () => {
      const file = csv(40);
      const results = path('results.jsonl');
      const { status, stdout } = await batch(['send', file, '--results', results, '--sender', '+15017122661', '--concurrency', '8'], env);
      expect(status, stdout).to.equal(0);
      expect(stdout).to.include('sent: 40\n');
      const lines = resultsOf(results);
      expect(lines).to.have.length(40);
      expect(lines.every((line) => line.outcome === 'sent' && line.provider === 'twilio' && /^SM/.test(line.sid ?? ''))).to.equal(true);
      expect([...accepted().values()]).to.deep.equal(Array(40).fill(1));
      expect(emulator.calls()[0]?.form.From).to.equal('+15017122661');
      expect(accepted().has('Reminder 0, see you')).to.equal(true);
    });

    it('sends JSON Lines, each row with its own sender', async () => {
      const file = path('rows.jsonl');
      writeFileSync(file, ['{"id":"a","receiver":"+15558675310","body":"One","sender":"ACME"}', '{"id":"b","receiver":"+15558675311","body":"Two","sender":"OTHER"}'].join('\n'));
      const results = path('results.jsonl');
      expect((await batch(['send', file, '--results', results], env)).status).to.equal(0);
      expect(emulator.calls().map((call) => call.form.From).sort()).to.deep.equal(['ACME', 'OTHER']);
    });

    it('exits 2 and records rejected and failed rows; a resume retries only the failed ones', async () => {
      const file = csv(4, ['+15005550001,"Invalid number",row-rejected']);
      const results = path('results.jsonl');
      // A 503 certainly left the message unsent (a 500 may not have: that row would not be resent).
      emulator.inject({ fault: { kind: 'status', status: 503 }, times: 1 });
      const first = await batch(['send', file, '--results', results, '--sender', 'ACME', '--concurrency', '1'], env);
      expect(first.status).to.equal(2);
      expect(first.stdout).to.include('sent: 3\nrejected: 1\nfailed: 1\n');
      const callsAfterFirst = emulator.count();
      expect(callsAfterFirst).to.equal(5);
      // The line names the provider that answered 503, as it would for a sent row.
      expect(resultsOf(results).filter((r) => r.outcome === 'failed').map((r) => r.provider)).to.deep.equal(['twilio']);

      const resume = await batch(['send', file, '--results', results, '--sender', 'ACME'], env);
      expect(resume.stdout).to.include('sent: 1\nrejected: 0\nfailed: 0\nskipped (done earlier): 4\n');
      expect(resume.stderr).to.include(`resuming: 4 rows already done in ${results}`);
      // The rejected row is done, so the batch as a whole still has a problem: exit 2.
      expect(resume.status).to.equal(2);
      expect(emulator.count()).to.equal(callsAfterFirst + 1);
      expect([...accepted().values()].every((count) => count === 1)).to.equal(true);
    });

    it('does not resend a row the provider may have taken, until --retry-uncertain, which sends it once under a new key', async () => {
      const file = csv(2);
      const results = path('results.jsonl');
      // A reset after the request was read: the provider may have the message.
      emulator.inject({ fault: { kind: 'reset' }, times: 1 });
      const first = await batch(['send', file, '--results', results, '--sender', 'ACME', '--concurrency', '1'], env);
      expect(first.stdout).to.include('sent: 1\nrejected: 0\nfailed: 1\n');
      expect(resultsOf(results).find((r) => r.outcome === 'failed')).to.include({ provider: 'twilio', mayHaveBeenSent: true });
      const callsAfterFirst = emulator.count();

      const resume = await batch(['send', file, '--results', results, '--sender', 'ACME'], env);
      expect(resume.stderr).to.include('sms-batch: 1 row failed in a way that may have sent them; they are not resent (see --retry-uncertain)');
      expect(emulator.count()).to.equal(callsAfterFirst);

      const retried = await batch(['send', file, '--results', results, '--sender', 'ACME', '--retry-uncertain'], env);
      expect(retried.stdout).to.include('sent: 1\n');
      expect(emulator.count()).to.equal(callsAfterFirst + 1);
      expect(resultsOf(results).at(-1)).to.include({ outcome: 'sent', retry: 1 });
    });

    it('stops on Ctrl-C after the provider calls in flight, and a resume completes the batch without sending any row twice', async () => {
      emulator.setLatency(100);
      const file = csv(60);
      const results = path('results.jsonl');
      const args = ['send', file, '--results', results, '--sender', 'ACME', '--concurrency', '3'];
      const run = runBatch(args, env);
      while (resultsOf(results).length < 6) await new Promise((resolve) => setTimeout(resolve, 20));
      run.child.kill('SIGINT');
      expect(await run.exited).to.equal(2);
      expect(run.stderr()).to.include('stopping: no new message is sent').and.include('run the same command again');
      const partial = resultsOf(results);
      const sent = partial.filter((line) => line.outcome === 'sent');
      expect(sent.length).to.be.within(6, 59);
      // Every call the emulator saw is a row sent in the results: nothing was left in flight unrecorded.
      expect(emulator.count()).to.equal(sent.length);
      expect(partial.filter((line) => line.outcome !== 'sent').every((line) => /^not sent: /.test(line.error ?? ''))).to.equal(true);

      emulator.setLatency(0);
      const resume = await batch(args, env);
      expect(resume.status).to.equal(0);
      expect(resultsOf(results)).to.have.length(60);
      expect(accepted().size).to.equal(60);
      expect([...accepted().values()].every((count) => count === 1)).to.equal(true);
    });

    it('exits 1 and creates nothing when the input file or the results folder is missing', async () => {
      const results = path('results.jsonl');
      const missingInput = await batch(['send', join(dir, 'none.csv'), '--results', results, '--sender', 'ACME'], env);
      expect(missingInput.status).to.equal(1);
      expect(missingInput.stderr).to.equal(`sms-batch: cannot read ${join(dir, 'none.csv')}: no such file\n`);
      expect(existsSync(results), 'a results file was created').to.equal(false);
      const jsonl = await batch(['send', join(dir, 'none.jsonl'), '--results', results], env);
      expect(jsonl.stderr).to.equal(`sms-batch: cannot read ${join(dir, 'none.jsonl')}: no such file\n`);
      expect(existsSync(results)).to.equal(false);
      const inNoFolder = join(dir, 'no-such-folder', 'results.jsonl');
      const folder = await batch(['send', csv(2), '--results', inNoFolder, '--sender', 'ACME'], env);
      expect(folder.status).to.equal(1);
      expect(folder.stderr).to.equal(`sms-batch: cannot write ${inNoFolder}: no such folder ${join(dir, 'no-such-folder')}\n`);
      expect(emulator.count()).to.equal(0);
    });

    it('says that a row has no sender when it has none and --sender was not given', async () => {
      const file = path('rows.jsonl');
      writeFileSync(file, '{"id":"a","receiver":"+15558675310","body":"One"}\n');
      const checked = await batch(['check', file], env);
      expect(checked.stdout).to.include('  line 1: the row has no sender and --sender was not given\n');
      const results = path('results.jsonl');
      await batch(['send', file, '--results', results], env);
      expect(resultsOf(results)).to.deep.equal([{ id: 'a', line: 1, outcome: 'rejected', error: 'the row has no sender and --sender was not given' }]);
    });

    it('on Ctrl-C stops rows waiting for the rate limit at once and records them as not sent; nothing is sent after it', async () => {
      const file = csv(30);
      const results = path('results.jsonl');
      const limited = { ...env, RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_MAX_REQUESTS: '5', RATE_LIMIT_TIME_WINDOW: '1 minute' };
      const run = runBatch(['send', file, '--results', results, '--sender', 'ACME', '--concurrency', '10'], limited);
      while (resultsOf(results).length < 5) await new Promise((resolve) => setTimeout(resolve, 20));
      // The other rows now wait for the next window (a minute away); give them a moment to be waiting.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const interruptedAt = Date.now();
      run.child.kill('SIGINT');
      expect(await run.exited).to.equal(2);
      expect(Date.now() - interruptedAt, 'time to stop').to.be.below(3000);
      expect(emulator.count(), 'calls after Ctrl-C').to.equal(5);
      const lines = resultsOf(results);
      expect(lines.filter((line) => line.outcome === 'sent')).to.have.length(5);
      const notSent = lines.filter((line) => line.outcome !== 'sent');
      expect(notSent).to.have.length(10);
      expect(notSent.every((line) => line.outcome === 'failed' && /^not sent: /.test(line.error ?? '') && !('mayHaveBeenSent' in line))).to.equal(true);
      expect(run.stdout()).to.include('not sent (stopped): 10\n');
    });

    // The shell npm runs a command with: dash (Debian, Ubuntu) kills itself with the Ctrl-C it got once its command ends.
    const shIsDash = /dash$/.test(realpathSync('/bin/sh'));

    for (const via of Object.keys(LAUNCHERS) as Launcher[]) {
      it(`started with \`${LAUNCHERS[via].slice(via === 'node' ? 1 : 0).join(' ').replace(/^bin/, 'node bin')}\`, runs with the launcher's V8 flags and exits ${via === 'npx' ? '2 (npx: 130 under dash)' : '2'} on a Ctrl-C to the process group`, async () => {
        emulator.setLatency(100);
        const file = csv(60);
        const results = path('results.jsonl');
        const run = runBatch(['send', file, '--results', results, '--sender', 'ACME', '--concurrency', '3'], env, { via, ownGroup: true });
        let status: number | string;
        try {
          while (resultsOf(results).length < 6) await new Promise((resolve) => setTimeout(resolve, 20));
          // The process that runs the batch (the last of the tree to load the launcher) has every flag.
          const tree = processTree(run.child.pid as number);
          const runner = tree.filter((argv) => argv.some((arg) => /sms-batch(\.js)?$/.test(arg))).at(-1);
          expect(runner?.[0], JSON.stringify(tree)).to.match(/node$/);
          expect(runner).to.include.members(launcherFlags());
          run.signalGroup('SIGINT');
          status = await run.exited;
        } finally {
          if (run.child.exitCode === null && run.child.signalCode === null) run.signalGroup('SIGKILL');
        }
        // sms-batch itself stopped cleanly, once, and said so.
        expect(run.stderr().match(/stopping: no new message is sent/g), run.stderr()).to.have.length(1);
        expect(run.stderr()).to.include('interrupted: run the same command again');
        expect(run.stderr()).to.not.include('stopped at once');
        expect(status, run.stderr()).to.equal(via === 'npx' && shIsDash ? 'SIGINT' : 2);
        expect(emulator.count()).to.equal(resultsOf(results).filter((line) => line.outcome === 'sent').length);
      });
    }

    it('spaces sends at --rate', async () => {
      const file = csv(21);
      await batch(['send', file, '--results', path('results.jsonl'), '--sender', 'ACME', '--rate', '20/s', '--concurrency', '4'], env);
      const times = emulator.calls().map((call) => call.at).sort((a, b) => a - b);
      expect(times).to.have.length(21);
      // As the provider sees it, from the sixth call on (the first ones also pay for new connections): 15 intervals
      // of 50 ms, 750 ms. The pacer may catch up one interval; loopback and timers add a few ms either way, a busy
      // machine more. Within [650, 900] ms, a rate of 16.7 to 23/s; the bench holds 5 % over a long run.
      expect((times.at(-1) ?? 0) - (times[5] ?? 0)).to.be.within(650, 900);
    });
  });
});
