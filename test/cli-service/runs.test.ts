// `pycron runs` end to end, with no service running: the real CLI reads the daily status-log files (records from
// `pycron run` and older ones written by the real StatusLog), newest last, as a table or as the stored JSON lines,
// filtered by job and result; --follow prints records as they are written, into a new day's file too, until a signal.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addDays } from '../../src/history/status-log-days.ts';
import { localDay } from '../../src/statuslog/status-log.ts';
import { makeRecord, runIdFor, writeWithStatusLog } from '../history/history-fixtures.ts';
import { makeTempDir, removeTempDir, waitFor } from '../support/cli-process.ts';
import { writeJobFolder, type ServiceFolder } from '../support/service-folder.ts';
import { within } from '../support/within.ts';
import { runCliAsync, spawnCli, writeServiceConfig } from './cli-service-harness.ts';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const INSTANT = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}';
/** The CLI's own zone, whatever the suite runs under: a removed job's runs show in it. */
const CLI_ENV = { TZ: 'Europe/Berlin' };
const HEADER =
  'STARTED                     JOB    RESULT             DURATION  RUN ID                                REASON';
const GONE_LINE =
  '2026-03-01 13:00:00 +01:00  gone   ok                 1.5 s     00000000-0000-4000-8000-000000000001  schedule';
const HELLO_LINE =
  '2026-03-02 21:00:00 +09:00  hello  failed (exit 4)    1.5 s     00000000-0000-4000-8000-000000000002  scheduled';

/** The status-log files' lines, oldest day first: what --json must print, byte for byte. */
function storedLines(logs: string): string[] {
  return readdirSync(logs)
    .filter((name) => /^job_status-\d{4}-\d{2}-\d{2}\.log$/.test(name))
    .sort()
    .flatMap((name) => readFileSync(join(logs, name), 'utf8').split('\n').filter(Boolean));
}

/** Collects a long-running CLI's output; `exit` resolves with its exit code and signal. */
function watchChild(child: ChildProcess) {
  const output = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (code, signal) => resolve([code, signal])),
  );
  return { child, output, exit };
}

describe('pycron runs (end to end, no service)', () => {
  let root: string;
  let folder: ServiceFolder;
  const cli = (...args: string[]) => runCliAsync([...args, '-c', folder.config], root, CLI_ENV);

  before(async () => {
    root = await makeTempDir();
    // Retention long enough that `pycron run` keeps the older days' files.
    folder = writeServiceConfig(root, { retentionDays: 100_000 });
    writeJobFolder(folder.jobs, 'hello', 'TZ=Asia/Tokyo 0 * * * *', 'echo hi; exit 4');
    writeJobFolder(folder.jobs, 'ok', 'every 5m', 'true');
    await writeWithStatusLog(
      folder.logs,
      [
        makeRecord({ job: 'gone', endedAt: Date.parse('2026-03-01T12:00:01.500Z'), runId: runIdFor(1) }),
        makeRecord({
          job: 'hello',
          endedAt: Date.parse('2026-03-02T12:00:01.500Z'),
          runId: runIdFor(2),
          exitCode: 4,
          reason: 'scheduled',
        }),
      ],
      0,
    );
    assert.equal((await cli('run', 'hello')).code, 4);
    assert.equal((await cli('run', 'ok')).code, 0);
  });
  after(async () => {
    await removeTempDir(root);
  });

  it('a table, newest last: times in each job zone (the local zone for a job removed since)', async () => {
    const out = await cli('runs');
    assert.equal(out.stderr, '');
    assert.equal(out.code, 0);
    const lines = out.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 3), [HEADER, GONE_LINE, HELLO_LINE]);
    assert.match(
      lines[3]!,
      new RegExp(`^${INSTANT} \\+09:00  hello  failed \\(exit 4\\)    \\d+ ms +${UUID}  run by hand \\(pycron run\\)$`),
    );
    assert.match(
      lines[4]!,
      new RegExp(`^${INSTANT} [+]0[12]:00  ok     ok                 \\d+ ms +${UUID}  run by hand \\(pycron run\\)$`),
    );
    assert.equal(lines.length, 6);
  });

  it('JOB, --status and -n pick the runs; a removed job with runs left is fine', async () => {
    const [hello, failed, last, gone] = await Promise.all([
      cli('runs', 'hello'),
      cli('runs', '--status', 'failed'),
      cli('runs', '-n', '1'),
      cli('runs', 'gone'),
    ]);
    assert.deepEqual(
      hello.stdout.split('\n').map((line) => line.split(/ {2,}/)[1]),
      ['JOB', 'hello', 'hello', undefined],
    );
    assert.deepEqual(
      failed.stdout.split('\n').map((line) => line.split(/ {2,}/)[2]),
      ['RESULT', 'failed (exit 4)', 'failed (exit 4)', undefined],
    );
    assert.deepEqual(
      last.stdout.split('\n').map((line) => line.split(/ {2,}/)[1]),
      ['JOB', 'ok', undefined],
    );
    // The job column is as wide as the job's name.
    assert.deepEqual(gone, {
      code: 0,
      stdout: [
        'STARTED                     JOB   RESULT             DURATION  RUN ID                                REASON',
        '2026-03-01 13:00:00 +01:00  gone  ok                 1.5 s     00000000-0000-4000-8000-000000000001  schedule',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('--json prints the stored records exactly, one per line, with the same filters', async () => {
    const stored = storedLines(folder.logs);
    assert.equal(stored.length, 4);
    const [all, hello] = await Promise.all([cli('runs', '--json'), cli('runs', 'hello', '--json', '-n', '1')]);
    assert.deepEqual(all, { code: 0, stdout: `${stored.join('\n')}\n`, stderr: '' });
    assert.equal(hello.stdout, `${stored[2]}\n`);
  });

  it('no runs: said so, naming the folder (and that no such job is loaded); on stderr with --json', async () => {
    const [nope, nopeJson, ok] = await Promise.all([
      cli('runs', 'nope'),
      cli('runs', 'nope', '--json'),
      cli('runs', 'gone', '--status', 'failed'),
    ]);
    const note = `no runs of nope in the status log (${folder.logs}); no job named 'nope' is loaded from ${folder.jobs} either\n`;
    assert.deepEqual(nope, { code: 0, stdout: note, stderr: '' });
    assert.deepEqual(nopeJson, { code: 0, stdout: '', stderr: note });
    assert.deepEqual(ok, {
      code: 0,
      stdout: `no failed runs of gone in the status log (${folder.logs}); no job named 'gone' is loaded from ${folder.jobs} either\n`,
      stderr: '',
    });
    const empty = writeServiceConfig(join(root, 'empty'));
    assert.deepEqual(await runCliAsync(['runs', '-c', empty.config], root), {
      code: 0,
      stdout: `no runs in the status log (${empty.logs}) yet\n`,
      stderr: '',
    });
  });

  it('-n must be a whole number from 0: a usage error otherwise', async () => {
    const out = await cli('runs', '-n', '-1');
    assert.deepEqual(out, {
      code: 2,
      stdout: '',
      stderr: 'pycron: -n: expected a whole number from 0 to 1000000, got -1\n',
    });
  });

  it('--follow: a new record, then one in the next day file, appear as written; SIGINT ends it with exit 0', async () => {
    const follow = watchChild(spawnCli(['runs', '--follow', '-n', '1', '-c', folder.config], root, CLI_ENV));
    await waitFor(() => (follow.output.stdout.split('\n').length === 3 ? true : undefined), 30_000, 'the last run');
    assert.match(follow.output.stdout, /^STARTED .*\n.* {2}ok {2}.*\n$/);

    assert.equal((await cli('run', 'hello')).code, 4);
    const fromRun = await waitFor(
      () => follow.output.stdout.split('\n')[2] || undefined,
      30_000,
      'the record of pycron run',
    );
    assert.match(fromRun, /^\S+ \S+ \+09:00 {2}hello {2}failed \(exit 4\) /);

    // The service starts a new file after local midnight: the next day's file, not seen before, is read too.
    const nextDay = join(folder.logs, `job_status-${addDays(localDay(Date.now()), 1)}.log`);
    const record = makeRecord({ job: 'ok', endedAt: Date.now(), runId: runIdFor(99) });
    appendFileSync(nextDay, `${JSON.stringify(record)}\n`);
    await waitFor(
      () => (follow.output.stdout.includes(runIdFor(99)) ? true : undefined),
      30_000,
      'the record in the next day file',
    );

    const lines = follow.output.stdout.split('\n');
    assert.equal(lines.length, 5);
    assert.match(lines[3]!, new RegExp(`^\\S+ \\S+ \\S+  ok     ok  .* ${runIdFor(99)}  schedule$`));
    follow.child.kill('SIGINT');
    const exit = await within(follow.exit, 20_000, 'pycron runs --follow to exit on SIGINT', () =>
      follow.child.kill('SIGKILL'),
    );
    assert.deepEqual(exit, [0, null]);
    assert.equal(follow.output.stderr, '');
  });

  it('--follow --json: a job with no runs yet, then its new record exactly as stored; SIGTERM: exit 0', async () => {
    const follow = watchChild(spawnCli(['runs', 'fresh', '--follow', '--json', '-c', folder.config], root));
    // The note on stderr says the first read is done: what is written from now on is new.
    const note = `no runs of fresh in the status log (${folder.logs}); no job named 'fresh' is loaded from ${folder.jobs} either\n`;
    await waitFor(() => (follow.output.stderr === note ? true : undefined), 30_000, 'the note on stderr');
    const today = join(folder.logs, `job_status-${localDay(Date.now())}.log`);
    const record = JSON.stringify(makeRecord({ job: 'fresh', endedAt: Date.now(), runId: runIdFor(100) }));
    appendFileSync(today, `${record}\n`);
    await waitFor(() => (follow.output.stdout === '' ? undefined : true), 30_000, 'the new record');
    follow.child.kill('SIGTERM');
    const exit = await within(follow.exit, 20_000, 'pycron runs --follow to exit on SIGTERM', () =>
      follow.child.kill('SIGKILL'),
    );
    assert.deepEqual(exit, [0, null]);
    assert.deepEqual(follow.output, { stdout: `${record}\n`, stderr: note });
  });
});
