import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, realpath, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { JobCommand } from '../../src/jobs/job-spec.ts';
import { cutMarker } from '../../src/runner/capture.ts';
import { readProcessStat } from '../../src/runner/process-identity.ts';
import { PIPE_DRAIN_AFTER_EXIT_MS, spawnJob, type SpawnJobOptions } from '../../src/runner/spawn-job.ts';
import { fixture, isProcessGone, killGroup } from './process-checks.ts';

const TIMEOUT_MS = 300;
const GRACE_MS = 300;
const leftovers: number[] = [];

function run(command: JobCommand, overrides: Partial<SpawnJobOptions> = {}) {
  const running = spawnJob({
    runId: 'run-1',
    job: 'test-job',
    command,
    cwd: os.tmpdir(),
    env: {},
    timeoutMs: undefined,
    killGraceMs: GRACE_MS,
    captureBytes: 1024 * 1024,
    ...overrides,
  });
  if (running.pid) leftovers.push(running.pid);
  return running;
}

const exec = (name: string): JobCommand => ({ kind: 'exec', path: fixture(name) });
const shell = (script: string): JobCommand => ({ kind: 'shell', script });

let tmp: string;
before(async () => {
  tmp = await realpath(await mkdtemp(os.tmpdir() + '/pycron-'));
});
after(async () => {
  for (const pid of leftovers) killGroup(pid);
  await rm(tmp, { recursive: true, force: true });
});

describe('spawnJob: normal endings', { timeout: 10_000 }, () => {
  it('a job that exits 0 gives a full result with every flag', async () => {
    let tick = 1000;
    const running = run(exec('exit-0.sh'), { runId: 'r-0', job: 'exit-0', now: () => (tick += 500) });
    const result = await running.result;
    assert.equal(typeof running.pid, 'number');
    assert.deepEqual(result, {
      runId: 'r-0',
      job: 'exit-0',
      exitCode: 0,
      signal: null,
      timedOut: false,
      forcefullyTerminated: false,
      error: null,
      pid: running.pid,
      startedAt: 1500,
      endedAt: 2000,
      durationMs: 500,
      stdout: 'exit-0 ran\n',
      stderr: '',
      outputTruncated: false,
      errorTruncated: false,
    });
  });

  it('a job that exits 3 keeps its code and its stderr', async () => {
    const result = await run(exec('exit-3.sh')).result;
    assert.equal(result.exitCode, 3);
    assert.equal(result.signal, null);
    assert.equal(result.error, null);
    assert.equal(result.stdout, 'exit-3 ran\n');
    assert.equal(result.stderr, 'exit-3 failing with code 3\n');
  });

  it("pycron's variables and the working directory reach the job", async () => {
    const env = {
      PYCRON_JOB: 'backup',
      PYCRON_RUN_ID: 'abc-123',
      PYCRON_SCHEDULED_AT: '2026-03-01T02:30:00.000Z',
      PYCRON_ATTEMPT: '2',
    };
    const result = await run(exec('print-env.sh'), { cwd: tmp, env }).result;
    assert.equal(
      result.stdout,
      `PYCRON_JOB=backup\nPYCRON_RUN_ID=abc-123\nPYCRON_SCHEDULED_AT=2026-03-01T02:30:00.000Z\nPYCRON_ATTEMPT=2\nPWD=${tmp}\n`,
    );
  });

  it('the service environment is passed on too', async () => {
    process.env.PYCRON_TEST_INHERITED = 'from-service';
    try {
      const result = await run(shell('echo "$PYCRON_TEST_INHERITED"')).result;
      assert.equal(result.stdout, 'from-service\n');
    } finally {
      delete process.env.PYCRON_TEST_INHERITED;
    }
  });

  it('stdin is /dev/null, so a job reading it sees end of file at once', async () => {
    const result = await run(shell('readlink /proc/self/fd/0; cat; echo done')).result;
    assert.equal(result.stdout, '/dev/null\ndone\n');
  });

  it('a shell command runs with /bin/sh -c, $0 the job name and "$@" the extra arguments', async () => {
    const result = await run(shell('echo "$0 says hi to [$1] [$2]"; exit 7'), { args: ['a b', 'c'] }).result;
    assert.equal(result.stdout, 'test-job says hi to [a b] [c]\n');
    assert.equal(result.exitCode, 7);
  });

  it('extra arguments follow the script path, each one word', async () => {
    const result = await run({ kind: 'exec', path: '/bin/echo' }, { args: ['x y', '--z'] }).result;
    assert.equal(result.stdout, 'x y --z\n');
  });

  it('binary output does not throw and decodes with replacement characters', async () => {
    const result = await run(exec('binary-output.sh')).result;
    assert.equal(result.exitCode, 0);
    assert.ok(
      result.stdout.startsWith('\u0000\u0001\ufffd\ufffd\ufffd\ufffd\ufffd binary\n'),
      JSON.stringify(result.stdout.slice(0, 20)),
    );
    assert.equal(result.stderr, '\ufffd\ufffd binary on stderr\n');
  });
});

describe('spawnJob: stopping', { timeout: 10_000 }, () => {
  it('each run leads its own process group, and stop(shutdown) ends it without a timeout flag', async () => {
    const running = run(exec('forever.sh'));
    assert.ok(running.pid);
    assert.equal(readProcessStat(running.pid)?.pgrp, running.pid);
    const first = running.stop('shutdown');
    assert.equal(running.stop('replace'), first, 'stop is idempotent');
    await first;
    const result = await running.result;
    assert.equal(result.signal, 'SIGTERM');
    assert.equal(result.exitCode, null);
    assert.equal(result.timedOut, false);
    assert.equal(result.forcefullyTerminated, false);
  });

  it('a timeout stops the whole group: the grandchild is gone too', async () => {
    const result = await run(exec('spawns-grandchild.sh'), { timeoutMs: TIMEOUT_MS }).result;
    const grandchild = Number(result.stdout.trim());
    assert.ok(grandchild > 1, `grandchild pid printed: ${JSON.stringify(result.stdout)}`);
    assert.equal(result.timedOut, true);
    assert.equal(result.forcefullyTerminated, false);
    assert.equal(result.signal, 'SIGTERM');
    assert.ok(
      result.durationMs >= TIMEOUT_MS && result.durationMs < TIMEOUT_MS + GRACE_MS,
      `took ${result.durationMs} ms`,
    );
    assert.equal(isProcessGone(grandchild), true, `grandchild ${grandchild} still runs`);
  });

  it('a group that ignores SIGTERM gets SIGKILL after the grace', async () => {
    const running = run(exec('ignore-sigterm.sh'), { timeoutMs: TIMEOUT_MS });
    const result = await running.result;
    assert.equal(result.timedOut, true);
    assert.equal(result.forcefullyTerminated, true);
    assert.equal(result.signal, 'SIGKILL');
    assert.equal(result.stdout, 'ignoring SIGTERM\n');
    assert.ok(result.durationMs >= TIMEOUT_MS + GRACE_MS, `took ${result.durationMs} ms`);
    assert.ok(running.pid);
    assert.equal(isProcessGone(running.pid), true);
  });

  it('ends soon after the job exits even when a grandchild keeps its pipes open', async () => {
    const running = run(shell(`"${fixture('spawns-grandchild.sh')}" 0`));
    const result = await running.result;
    const grandchild = Number(result.stdout.trim());
    assert.equal(result.exitCode, 0);
    assert.ok(result.durationMs < PIPE_DRAIN_AFTER_EXIT_MS + 1500, `took ${result.durationMs} ms`);
    // Not waited for, and not killed either: leftovers of a finished run are its own business.
    assert.equal(isProcessGone(grandchild), false);
    await running.stop('shutdown');
    assert.equal(isProcessGone(grandchild), true);
  });
});

describe('spawnJob: spawn failures are results', { timeout: 10_000 }, () => {
  const failureFields = {
    exitCode: null,
    signal: null,
    pid: null,
    timedOut: false,
    forcefullyTerminated: false,
    stdout: '',
    stderr: '',
  };

  async function failure(command: JobCommand, cwd?: string) {
    const running = run(command, cwd ? { cwd } : {});
    assert.equal(running.pid, null);
    await running.stop('shutdown'); // harmless on a run that never started
    const result = await running.result;
    assert.deepEqual(
      { ...result, error: undefined, startedAt: 0, endedAt: 0, durationMs: 0 },
      {
        ...failureFields,
        runId: 'run-1',
        job: 'test-job',
        error: undefined,
        startedAt: 0,
        endedAt: 0,
        durationMs: 0,
        outputTruncated: false,
        errorTruncated: false,
      },
    );
    return result.error;
  }

  it('a missing file', async () => {
    const path = `${tmp}/missing.sh`;
    assert.equal(await failure({ kind: 'exec', path }), `cannot run ${path}: no such file (ENOENT)`);
  });

  it('a file without its exec bit', async () => {
    const path = fixture('no-exec-bit.sh');
    assert.equal((await stat(path)).mode & 0o111, 0, 'the fixture no-exec-bit.sh must stay mode 644');
    assert.equal(
      await failure({ kind: 'exec', path }),
      `cannot run ${path}: permission denied (EACCES): the file needs its exec bit (chmod +x)`,
    );
  });

  it('a #! line naming a missing interpreter', async () => {
    const path = fixture('bad-interpreter.sh');
    assert.equal(
      await failure({ kind: 'exec', path }),
      `cannot run ${path}: its interpreter /nonexistent/interp does not exist (ENOENT): fix the #! line`,
    );
  });

  it('a #! line with Windows line endings', async () => {
    const path = `${tmp}/crlf.sh`;
    await writeFile(path, '#!/bin/sh\r\necho hi\r\n', { mode: 0o755 });
    assert.equal(
      await failure({ kind: 'exec', path }),
      `cannot run ${path}: its #! line ends with a carriage return (Windows line endings), so its interpreter ` +
        '/bin/sh\\r does not exist (ENOENT): convert the file to Unix line endings (dos2unix)',
    );
  });

  it('a missing working directory', async () => {
    const cwd = `${tmp}/gone`;
    const path = fixture('exit-0.sh');
    assert.equal(
      await failure({ kind: 'exec', path }, cwd),
      `cannot run ${path}: its working directory ${cwd} does not exist (ENOENT)`,
    );
    assert.equal(
      await failure(shell('true'), cwd),
      `cannot run /bin/sh: its working directory ${cwd} does not exist (ENOENT)`,
    );
  });

  it('a folder instead of a program', async () => {
    const path = `${tmp}/a-folder`;
    await mkdir(path);
    await chmod(path, 0o755);
    assert.equal(await failure({ kind: 'exec', path }), `cannot run ${path}: it is a folder, not a program (EACCES)`);
  });

  it('an environment value spawn rejects at once (it throws instead of emitting) is a result too', async () => {
    const path = fixture('exit-0.sh');
    const running = run({ kind: 'exec', path }, { env: { PYCRON_JOB: 'a\0b' } });
    assert.equal(running.pid, null);
    assert.equal(
      (await running.result).error,
      `cannot run ${path}: The property 'options.env['PYCRON_JOB']' must be a string without null bytes. Received 'a\\x00b'`,
    );
  });
});

describe('spawnJob: bounded capture', { timeout: 10_000 }, () => {
  it('a 50 MiB flood keeps head and tail within the bound and little memory', async (t) => {
    const bound = 1024 * 1024;
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
    const result = await run(exec('flood-output.sh'), { captureBytes: bound }).result.finally(() =>
      clearInterval(sampler),
    );
    peak = Math.max(peak, process.memoryUsage.rss());
    const total = 50 * 1024 * 1024 + '\nflood-output done\n'.length;
    t.diagnostic(`RSS growth during a 50 MiB flood: ${((peak - baseline) / 1024 / 1024).toFixed(1)} MiB`);
    assert.equal(result.exitCode, 0);
    assert.equal(result.outputTruncated, true);
    assert.equal(result.errorTruncated, false);
    assert.equal(result.stdout.length, bound + cutMarker(total - bound).length);
    assert.ok(result.stdout.startsWith('x'.repeat(bound / 2) + cutMarker(total - bound)));
    assert.ok(result.stdout.endsWith('x\nflood-output done\n'));
    assert.ok(peak - baseline < 100 * 1024 * 1024, `RSS grew ${peak - baseline} bytes`);
  });
});
