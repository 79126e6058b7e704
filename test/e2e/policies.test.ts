// End to end, real CLI and real processes: overlap policies, trigger arguments, chaining, catch-up after a restart,
// procs. Jobs that must stay running wait for a "release" file instead of sleeping, so no test leans on timing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  makeTempDir,
  PYCRON_BIN,
  readStatusRecords,
  removeTempDir,
  ServiceProcess,
  waitFor,
} from '../support/cli-process.ts';
import { readProcessStat } from '../../src/runner/process-identity.ts';
import { writeScript, writeServiceFolder, type ServiceFolder } from '../support/service-folder.ts';

/** `pycron trigger JOB -c CONFIG -- args`, run in the background; resolves with its exit code and output. */
function trigger(config: string, job: string, args: string[] = []): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PYCRON_BIN, 'trigger', job, '-c', config, '--', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    // NOTE: a CLI that never exits would hold the test on its pipes for good: give up after a minute and say so.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after 60000 ms waiting for pycron trigger ${job} to exit; output: ${out}`));
    }, 60_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** A job folder with a job.ini and a script that records its arguments, then waits for `release` if asked. */
function writeJob(folder: ServiceFolder, name: string, ini: string, body: string): string {
  const dir = join(folder.jobs, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'job.ini'), ini);
  writeScript(join(dir, 'run.sh'), body);
  return dir;
}

const WAIT_FOR_RELEASE = 'while [ ! -f release ]; do sleep 0.05; done';

function recordsOf(folder: ServiceFolder, job: string): Record<string, unknown>[] {
  return readStatusRecords(folder.logs).filter((r) => r.job === job);
}

async function waitForRecords(folder: ServiceFolder, job: string, count: number, timeoutMs = 15_000) {
  return waitFor(
    () => {
      const records = recordsOf(folder, job);
      return records.length >= count ? records : undefined;
    },
    timeoutMs,
    `${count} record(s) of ${job}`,
  );
}

describe('job policies (end to end)', () => {
  let root: string;
  before(async () => {
    root = await makeTempDir();
  });
  after(async () => {
    await removeTempDir(root);
  });

  it('asap collapses 5 triggers during a run into exactly 1 follow-up run with all their arguments', async () => {
    const folder = writeServiceFolder(join(root, 'asap'));
    const dir = writeJob(
      folder,
      'sync',
      'schedule = none\noverlap = asap\n',
      `echo "args: $*" >> runs.txt\n${WAIT_FOR_RELEASE}\nrm -f release`,
    );
    const svc = new ServiceProcess(['-c', folder.config]);
    try {
      await svc.waitForLog(/pycron ready/);
      const first = await trigger(folder.config, 'sync', ['first']);
      assert.equal(first.code, 0, first.out);
      await waitFor(() => (existsSync(join(dir, 'runs.txt')) ? true : undefined), 10_000, 'the first run');
      const during = await Promise.all([1, 2, 3, 4, 5].map((n) => trigger(folder.config, 'sync', [`t${n}`])));
      const codes = during.map((d) => d.code).sort();
      assert.deepEqual(codes, [0, 3, 3, 3, 3], during.map((d) => d.out).join('\n'));
      writeFileSync(join(dir, 'release'), '');
      await waitFor(
        () => (readFileSync(join(dir, 'runs.txt'), 'utf8').split('\n').length >= 3 ? true : undefined),
        10_000,
        'the follow-up',
      );
      writeFileSync(join(dir, 'release'), '');
      const records = await waitForRecords(folder, 'sync', 2);
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(recordsOf(folder, 'sync').length, 2, 'exactly one follow-up run');
      const lines = readFileSync(join(dir, 'runs.txt'), 'utf8').trim().split('\n');
      assert.equal(lines[0], 'args: first');
      assert.deepEqual(lines[1]?.replace('args: ', '').split(' ').sort(), ['t1', 't2', 't3', 't4', 't5']);
      assert.deepEqual(records[1]?.args && [...(records[1].args as string[])].sort(), ['t1', 't2', 't3', 't4', 't5']);
      assert.match(String(records[1]?.reason_for_run), /triggered by cli.*4 more trigger/);
    } finally {
      await svc.kill();
    }
  });

  it('ignore drops triggers that arrive while the job runs', async () => {
    const folder = writeServiceFolder(join(root, 'ignore'));
    const dir = writeJob(folder, 'report', 'schedule = none\n', `echo run >> runs.txt\n${WAIT_FOR_RELEASE}`);
    const svc = new ServiceProcess(['-c', folder.config]);
    try {
      await svc.waitForLog(/pycron ready/);
      assert.equal((await trigger(folder.config, 'report')).code, 0);
      await waitFor(() => (existsSync(join(dir, 'runs.txt')) ? true : undefined), 10_000, 'the run');
      const during = await Promise.all([1, 2, 3].map(() => trigger(folder.config, 'report')));
      assert.deepEqual(
        during.map((d) => d.code),
        [4, 4, 4],
      );
      writeFileSync(join(dir, 'release'), '');
      await waitForRecords(folder, 'report', 1);
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(recordsOf(folder, 'report').length, 1);
      assert.match(svc.stderr, /trigger of report from cli refused: the job is running \(overlap = ignore\)/);
    } finally {
      await svc.kill();
    }
  });

  it('replace stops the running copy with its whole process group, then starts the new run', async () => {
    const folder = writeServiceFolder(join(root, 'replace'));
    const dir = writeJob(
      folder,
      'render',
      'schedule = none\noverlap = replace\n',
      // The first run leaves a grandchild in its group; the second run ends at once.
      `if [ "$1" = first ]; then sleep 300 & echo $! > grandchild.pid; ${WAIT_FOR_RELEASE}; fi\necho "done $1"`,
    );
    const svc = new ServiceProcess(['-c', folder.config]);
    try {
      await svc.waitForLog(/pycron ready/);
      assert.equal((await trigger(folder.config, 'render', ['first'])).code, 0);
      const grandchild = await waitFor(
        () =>
          existsSync(join(dir, 'grandchild.pid'))
            ? Number(readFileSync(join(dir, 'grandchild.pid'), 'utf8'))
            : undefined,
        10_000,
        'the first run',
      );
      assert.equal((await trigger(folder.config, 'render', ['second'])).code, 0);
      const records = await waitForRecords(folder, 'render', 2);
      assert.equal(records[0]?.signal, 'SIGTERM');
      assert.match(String(records[0]?.reason_for_run), /replaced by a new run/);
      assert.equal(records[1]?.output, 'done second\n');
      // Gone, or a zombie waiting for an init that reaps slowly: either way it runs nothing.
      const stat = await waitFor(
        () => {
          const now = readProcessStat(grandchild);
          return now === undefined || now.state === 'Z' ? 'gone' : undefined;
        },
        5_000,
        "the first run's grandchild to be gone",
      );
      assert.equal(stat, 'gone');
    } finally {
      await svc.kill();
    }
  });

  it('a chained job gets the arguments of every trigger collected during its idle wait, in one run', async () => {
    const folder = writeServiceFolder(join(root, 'chain'));
    writeJob(folder, 'extract-a', 'schedule = none\n[trigger]\nload = --from a\n', 'exit 0');
    writeJob(folder, 'extract-b', 'schedule = none\n[trigger]\nload = --from "b c"\n', 'exit 0');
    const load = writeJob(
      folder,
      'load',
      'schedule = none\nidle = 3s\n',
      'for a in "$@"; do echo "[$a]"; done > args.txt',
    );
    const svc = new ServiceProcess(['-c', folder.config]);
    try {
      await svc.waitForLog(/pycron ready/);
      const both = await Promise.all([trigger(folder.config, 'extract-a'), trigger(folder.config, 'extract-b')]);
      assert.deepEqual(
        both.map((b) => b.code),
        [0, 0],
      );
      const records = await waitForRecords(folder, 'load', 1);
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(recordsOf(folder, 'load').length, 1, 'one run for both triggers');
      const args = readFileSync(join(load, 'args.txt'), 'utf8').trim().split('\n').sort();
      assert.deepEqual(args, ['[--from]', '[--from]', '[a]', '[b c]']);
      assert.match(String(records[0]?.reason_for_run), /triggered by job extract-(a|b) \(on success\)/);
    } finally {
      await svc.kill();
    }
  });

  for (const policy of ['all', 'skip'] as const) {
    it(`catch_up = ${policy}: missed slots after a restart run ${policy === 'all' ? 'each once, in order' : 'not at all'}`, async () => {
      const folder = writeServiceFolder(join(root, `catch-up-${policy}`));
      writeJob(folder, 'tick', `schedule = every 1m\ncatch_up = ${policy}\n`, 'echo "$PYCRON_SCHEDULED_AT"');
      // The service "was down" for the last 5 minutes: the last slot it fired was 5 minutes ago.
      const now = Date.now();
      const lastSlot = Math.floor(now / 60_000) * 60_000 - 5 * 60_000;
      writeFileSync(
        folder.state,
        JSON.stringify({ version: 1, jobs: { tick: { failures: 0, lastSlotAt: lastSlot } } }),
      );
      const svc = new ServiceProcess(['-c', folder.config]);
      try {
        await svc.waitForLog(/pycron ready/);
        if (policy === 'all') {
          const records = await waitForRecords(folder, 'tick', 5);
          const slots = records.slice(0, 5).map((r) => Date.parse(String(r.scheduled_at)));
          assert.deepEqual(
            slots,
            [1, 2, 3, 4, 5].map((n) => lastSlot + n * 60_000),
          );
          assert.ok(records.slice(0, 5).every((r) => String(r.reason_for_run).startsWith('catch-up')));
        } else {
          await svc.waitForLog(/not run: missed while the service was down \(catch_up = skip\)/);
          await new Promise((r) => setTimeout(r, 1_500));
          const missed = recordsOf(folder, 'tick').filter((r) => Date.parse(String(r.scheduled_at)) <= now);
          assert.deepEqual(missed, []);
        }
      } finally {
        await svc.kill();
      }
    });
  }

  it('a proc that dies is restarted, with growing delays while it crash-loops, and gets SIGHUP on change', async () => {
    const folder = writeServiceFolder(join(root, 'proc'));
    const dir = writeJob(
      folder,
      'worker',
      'type = proc\nidle = 200ms\nhup_on_change = worker.conf\n',
      // Crash-loops three times (counted in a file), then stays up and logs every SIGHUP.
      [
        'n=$(cat starts 2>/dev/null || echo 0); n=$((n+1)); echo $n > starts; date +%s%3N >> started-at',
        'if [ $n -le 3 ]; then exit 1; fi',
        "trap 'echo hup >> hups' HUP",
        'while true; do sleep 0.05; done',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'worker.conf'), 'v1\n');
    const svc = new ServiceProcess(['-c', folder.config]);
    try {
      await svc.waitForLog(/pycron ready/);
      await waitFor(
        () => (readFileSync(join(dir, 'starts'), 'utf8').trim() === '4' ? true : undefined),
        15_000,
        '4 starts',
      );
      // NOTE: the script counts its start before it appends the time: wait for the fourth time too.
      const starts = await waitFor(
        () => {
          const times = readFileSync(join(dir, 'started-at'), 'utf8').trim().split('\n').map(Number);
          return times.length >= 4 ? times : undefined;
        },
        5_000,
        '4 start times',
      );
      const gaps = starts.slice(1).map((t, i) => t - (starts[i] as number));
      assert.ok(
        (gaps[1] as number) > (gaps[0] as number) && (gaps[2] as number) > (gaps[1] as number),
        `gaps ${gaps.join(', ')}`,
      );
      assert.equal(recordsOf(folder, 'worker').length, 3, 'each exit is recorded');
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(join(dir, 'worker.conf'), 'v2\n');
      await waitFor(() => (existsSync(join(dir, 'hups')) ? true : undefined), 10_000, 'SIGHUP');
      assert.equal(readFileSync(join(dir, 'starts'), 'utf8').trim(), '4', 'HUP does not restart');
      svc.signal('SIGTERM');
      assert.equal(await svc.exit(), 0);
      assert.equal(recordsOf(folder, 'worker').length, 4, 'the stop is recorded too');
    } finally {
      await svc.kill();
    }
  });
});
