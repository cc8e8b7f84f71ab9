import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Benchmarks are scripts, never timed tests: this only checks that they start, run and report on a tiny load.
describe('the benchmark scripts, on a tiny run', function () {
  this.timeout(180_000);

  const run = (script: string, args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });

  it('npm run bench measures the floor and the service and writes its results', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sms-bench-test-')), 'latest.json');
    const result = run('bench/http.ts', ['--quick', '--out', out]);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.include('targets: producedResults OK');
    const written = JSON.parse(readFileSync(out, 'utf8')) as { measures: Array<{ target: string; requestsPerSecond: number; errors: number }> };
    expect(written.measures.map((measure) => measure.target)).to.have.members(['floor', 'service', 'floor', 'service']);
    for (const measure of written.measures) {
      expect(measure.requestsPerSecond).to.be.above(0);
      expect(measure.errors).to.equal(0);
    }
  });

  it('npm run bench:soak reads the heap every tenth of the run and gives a verdict', () => {
    const result = run('bench/soak.ts', ['--requests', '2000', '--rate', '1000']);
    expect(result.stdout, result.stderr).to.match(/soak: (OK|FAILED)/);
    const readings = result.stdout.split('\n').filter((line) => /^\s+\d+\s+[\d.]+\s+[\d.]+\s+\d+\s+0$/.test(line));
    expect(readings, result.stdout).to.have.length(10);
  });
});
