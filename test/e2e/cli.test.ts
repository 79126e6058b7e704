// The short commands of the real CLI: validate, list, next, run, and the exit codes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, readStatusRecords, removeTempDir, runCli } from '../support/cli-process.ts';
import { writeJobFolder, writeScript, writeServiceFolder, type ServiceFolder } from '../support/service-folder.ts';

describe('pycron CLI (end to end)', () => {
  let root: string;
  let folder: ServiceFolder;
  before(async () => {
    root = await makeTempDir();
    folder = writeServiceFolder(join(root, 'svc'));
    writeJobFolder(folder.jobs, 'hello', 'every 5m', 'echo "hello from $PYCRON_JOB"; echo oops >&2; exit 4');
    writeJobFolder(folder.jobs, 'berlin', 'TZ=Europe/Berlin 30 2 * * *', 'true');
    writeScript(join(folder.jobs, '1hour', 'at0030', 'half.sh'), 'true');
  });
  after(async () => {
    await removeTempDir(root);
  });

  it('--help lists the commands and exits 0', () => {
    const out = runCli(['--help']);
    assert.equal(out.code, 0);
    for (const command of ['validate', 'list', 'next <job>', 'run <job>'])
      assert.match(out.stdout, new RegExp(command));
  });

  it('an unknown flag is a usage error: exit 2 with the flag named', () => {
    const out = runCli(['--frobnicate', '-c', folder.config]);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /Unknown argument: frobnicate/);
  });

  it('validate exits 0 on a clean folder and 2 with every problem named', () => {
    assert.equal(runCli(['validate', '-c', folder.config]).code, 0);
    const bad = writeServiceFolder(join(root, 'bad'));
    writeJobFolder(bad.jobs, 'ok', 'every 1m', 'true');
    writeJobFolder(bad.jobs, 'wrong', '61 * * * *', 'true');
    writeJobFolder(bad.jobs, 'zone', 'TZ=Mars/Olympus 0 * * * *', 'true');
    const out = runCli(['validate', '-c', bad.config]);
    assert.equal(out.code, 2);
    assert.match(out.stdout, /wrong.*'61 \* \* \* \*': minute 61 is out of range 0-59/);
    assert.match(out.stdout, /zone.*unknown time zone 'Mars\/Olympus'/);
    assert.match(out.stdout, /1 valid job\(s\).*2 error\(s\)/);
  });

  it('a wrong config value stops with exit 2 and names file, section, key, expected and found', () => {
    const broken = writeServiceFolder(join(root, 'broken-config'), '[Timings]\nSLEEP_DURATION = ten');
    const out = runCli(['list', '-c', broken.config]);
    assert.equal(out.code, 2);
    assert.match(
      out.stderr,
      new RegExp(`${broken.config.replace(/[/.]/g, '\\$&')}:\\d+ \\[Timings\\] SLEEP_DURATION: expected .*, got 'ten'`),
    );
  });

  it('list --json shows every job with schedule in words and next run', () => {
    const out = runCli(['list', '--json', '-c', folder.config]);
    assert.equal(out.code, 0, out.stderr);
    const jobs = JSON.parse(out.stdout) as { name: string; schedule: string; next_run: string | null }[];
    assert.deepEqual(
      jobs.map((j) => j.name),
      ['1hour/at0030/half.sh', 'berlin', 'hello'],
    );
    assert.ok(jobs.every((j) => j.next_run !== null && !Number.isNaN(Date.parse(j.next_run))));
  });

  it("next shows the job's next instants in its zone and in UTC", () => {
    const out = runCli(['next', 'berlin', '-n', '3', '-c', folder.config]);
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.trim().split('\n').slice(1);
    assert.equal(lines.length, 3);
    for (const line of lines)
      assert.match(
        line,
        /^\d{4}-\d\d-\d\d 02:30:00 \+0[12]:00 \(Europe\/Berlin\) {2}\d{4}-\d\d-\d\dT0[01]:30:00\.000Z$/,
      );
  });

  it('next for an unknown job exits 2 and lists the known ones', () => {
    const out = runCli(['next', 'nope', '-c', folder.config]);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /no job named 'nope' in .*jobs \(jobs: 1hour\/at0030\/half.sh, berlin, hello\)/);
  });

  it("run executes the job now, writes its status record and exits with the job's exit code", () => {
    const out = runCli(['run', 'hello', '-c', folder.config]);
    assert.equal(out.code, 4);
    assert.equal(out.stdout, 'hello from hello\n');
    assert.equal(out.stderr, 'oops\n');
    const record = readStatusRecords(folder.logs).find((r) => r.job === 'hello');
    assert.ok(record);
    assert.equal(record.status_code, 4);
    assert.equal(record.reason_for_run, 'run by hand (pycron run)');
    assert.equal(record.output, 'hello from hello\n');
    assert.equal(record.error, 'oops\n');
  });

  it('uses ./config.ini when no -c is given', () => {
    writeFileSync(join(folder.root, 'marker'), '');
    const out = runCli(['list', '--json'], { cwd: folder.root });
    assert.equal(out.code, 0, out.stderr);
    assert.equal((JSON.parse(out.stdout) as unknown[]).length, 3);
  });
});
