// The real CLI as a service on temporary folders, with real processes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readProcessStat } from '../../src/runner/process-identity.ts';
import {
  makeTempDir,
  readStatusRecords,
  removeTempDir,
  runCli,
  ServiceProcess,
  waitFor,
} from '../support/cli-process.ts';
import { writeJobFolder, writeScript, writeServiceFolder, type ServiceFolder } from '../support/service-folder.ts';

describe('pycron service (end to end)', () => {
  let root: string;
  before(async () => {
    root = await makeTempDir();
  });
  after(async () => {
    await removeTempDir(root);
  });

  async function withService(
    name: string,
    setup: (f: ServiceFolder) => void,
    body: (svc: ServiceProcess, f: ServiceFolder) => Promise<void>,
  ): Promise<void> {
    const folder = writeServiceFolder(join(root, name));
    setup(folder);
    const svc = new ServiceProcess(['-c', folder.config]);
    try {
      await svc.waitForLog(/pycron ready/);
      await body(svc, folder);
    } finally {
      await svc.kill();
    }
  }

  it('runs both layouts side by side and reports a broken folder while the rest runs', async () => {
    await withService(
      'layouts',
      (f) => {
        writeJobFolder(f.jobs, 'tick', 'every 1s', 'echo "tick $PYCRON_JOB $PYCRON_ATTEMPT"');
        writeScript(join(f.jobs, '1min', 'pycron-job.sh'), 'echo from-pycron-layout');
        mkdirSync(join(f.jobs, 'broken'));
        writeFileSync(join(f.jobs, 'broken', 'schedule'), '61 * * * *\n');
        writeScript(join(f.jobs, 'broken', 'run.sh'), 'echo never');
        // The PyCron job last ran two minutes ago: its missed slot runs at start-up as a catch-up.
        const twoMinutesAgo = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
        writeFileSync(
          f.state,
          JSON.stringify({ version: 1, jobs: { '1min/pycron-job.sh': { failures: 0, lastSlotAt: twoMinutesAgo } } }),
        );
      },
      async (svc, f) => {
        await svc.waitForLog(/broken.*'61 \* \* \* \*': minute 61 is out of range 0-59/);
        const records = await waitFor(
          () => {
            const all = readStatusRecords(f.logs);
            const tick = all.find((r) => r.job === 'tick');
            const pycron = all.find((r) => r.job === '1min/pycron-job.sh');
            return tick && pycron ? { tick, pycron } : undefined;
          },
          10_000,
          'records of both jobs',
        );
        assert.equal(records.tick.status_code, 0);
        assert.equal(records.tick.output, 'tick tick 1\n');
        assert.equal(records.tick.reason_for_run, 'scheduled');
        assert.equal(records.pycron.output, 'from-pycron-layout\n');
        assert.match(
          String(records.pycron.reason_for_run),
          /^catch-up: missed slot .* while the service was not running$/,
        );
        assert.equal(records.pycron.file, join(f.jobs, '1min', 'pycron-job.sh'));
        assert.equal(
          readStatusRecords(f.logs).some((r) => r.job === 'broken'),
          false,
        );
      },
    );
  });

  it('takes in a job folder copied in while running within a second, and runs it at its first slot', async () => {
    await withService(
      'hot-add',
      () => {},
      async (svc, f) => {
        const staging = join(root, 'staging-job');
        writeJobFolder(staging, 'new-job', 'every 1s', 'echo added');
        const copiedAt = Date.now();
        cpSync(join(staging, 'new-job'), join(f.jobs, 'new-job'), { recursive: true });
        const added = await svc.waitForLog(/job added: new-job/, 5_000);
        const addedAt = Date.parse(added.slice(0, 24));
        assert.ok(addedAt - copiedAt < 1_000, `job added ${addedAt - copiedAt} ms after the copy`);
        const record = await waitFor(
          () => readStatusRecords(f.logs).find((r) => r.job === 'new-job'),
          5_000,
          'first run',
        );
        // Its first slot is the first whole second after it was added (the log line comes a moment after).
        const slot = Date.parse(String(record.scheduled_at));
        assert.ok(
          slot > addedAt - 100 && slot <= addedAt + 1_000,
          `first slot ${record.scheduled_at}, added at ${added}`,
        );
        assert.equal(record.output, 'added\n');
      },
    );
  });

  it("stops a timed-out job's whole process group, grandchildren included", async () => {
    await withService(
      'timeout',
      (f) => {
        const dir = writeJobFolder(f.jobs, 'hang', 'every 1s', 'sleep 300 & echo "grandchild $!"; wait');
        writeFileSync(join(dir, 'job.ini'), 'timeout = 1s\n');
      },
      async (_svc, f) => {
        const record = await waitFor(
          () => readStatusRecords(f.logs).find((r) => r.job === 'hang'),
          10_000,
          'record of hang',
        );
        assert.equal(record.timed_out, true);
        const grandchild = Number(/grandchild (\d+)/.exec(String(record.output))?.[1]);
        assert.ok(grandchild > 1);
        // Gone, or a zombie waiting for an init that reaps slowly: either way it runs nothing and holds no pipe.
        const stat = readProcessStat(grandchild);
        assert.ok(
          stat === undefined || stat.state === 'Z',
          `grandchild ${grandchild} still runs (state ${stat?.state})`,
        );
      },
    );
  });

  it('on SIGTERM during a run lets the run finish, writes its record and exits 0', async () => {
    const folder = writeServiceFolder(join(root, 'sigterm'));
    writeJobFolder(folder.jobs, 'slow', 'every 1s', 'echo started; sleep 1; echo finished');
    const svc = new ServiceProcess(['-c', folder.config]);
    try {
      await svc.waitForLog(/run started: slow/);
      svc.signal('SIGTERM');
      assert.equal(await svc.exit(), 0);
      const records = readStatusRecords(folder.logs).filter((r) => r.job === 'slow');
      assert.equal(records.length, 1);
      assert.equal(records[0]?.output, 'started\nfinished\n');
      assert.equal(records[0]?.status_code, 0);
      const state = JSON.parse(readFileSync(folder.state, 'utf8')) as { jobs: Record<string, { inFlight?: unknown }> };
      assert.equal(state.jobs.slow?.inFlight, undefined);
    } finally {
      await svc.kill();
    }
  });

  it('retries a failed job after JOB_FAIL_TIMEOUT_PERIOD_MINUTES and counts the attempts', async () => {
    const folder = writeServiceFolder(join(root, 'retry'));
    writeFileSync(
      folder.config,
      readFileSync(folder.config, 'utf8').replace(
        'JOB_FAIL_TIMEOUT_PERIOD_MINUTES = 5',
        'JOB_FAIL_TIMEOUT_PERIOD_MINUTES = 0.02',
      ),
    );
    writeJobFolder(folder.jobs, 'flaky', 'every 1h', 'echo "attempt $PYCRON_ATTEMPT"; exit 3');
    // Last slot one hour ago and not run: the catch-up fails, then retries come 1.2 s apart.
    const lastHour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
    writeFileSync(folder.state, JSON.stringify({ version: 1, jobs: { flaky: { failures: 0, lastSlotAt: lastHour } } }));
    const svc = new ServiceProcess(['-c', folder.config]);
    try {
      const records = await waitFor(
        () => {
          const r = readStatusRecords(folder.logs).filter((x) => x.job === 'flaky');
          return r.length >= 3 ? r : undefined;
        },
        10_000,
        'three attempts',
      );
      assert.deepEqual(
        records.slice(0, 3).map((r) => [r.status_code, r.number_of_failed_attempts, r.output]),
        [
          [3, 1, 'attempt 1\n'],
          [3, 2, 'attempt 2\n'],
          [3, 3, 'attempt 3\n'],
        ],
      );
      assert.equal(records[1]?.reason_for_run, 'retry after failure (attempt 2)');
      const gap = Date.parse(String(records[1]?.begun_at)) - Date.parse(String(records[0]?.ended_at));
      assert.ok(gap >= 1_100 && gap < 3_000, `retry came ${gap} ms after the failure`);
    } finally {
      await svc.kill();
    }
  });

  it('creates missing jobs, logs and state folders at start-up', async () => {
    const folder = writeServiceFolder(join(root, 'fresh'));
    writeFileSync(
      folder.config,
      readFileSync(folder.config, 'utf8')
        .replace('PERSISTENCE_FILE = state.json', 'PERSISTENCE_FILE = var/state/state.json')
        .replace('JOBS_FOLDER = jobs', 'JOBS_FOLDER = new-jobs'),
    );
    const svc = new ServiceProcess(['-c', folder.config]);
    try {
      await svc.waitForLog(/pycron ready: 0 job/);
      assert.ok(existsSync(join(folder.root, 'new-jobs')));
      assert.ok(existsSync(join(folder.root, 'var', 'state')));
      assert.ok(existsSync(folder.logs));
      svc.signal('SIGTERM');
      assert.equal(await svc.exit(), 0);
    } finally {
      await svc.kill();
    }
  });

  it('SIGHUP reloads the config, refuses a broken one, and names the settings that need a restart', async () => {
    await withService(
      'sighup',
      () => {},
      async (svc, f) => {
        const original = readFileSync(f.config, 'utf8');
        writeFileSync(f.config, original.replace('LOGS_FOLDER = logs', 'LOGS_FOLDER = other-logs'));
        svc.signal('SIGHUP');
        await svc.waitForLog(/reloaded; these settings change only at a restart: logsFolder/);
        writeFileSync(f.config, original.replace('CHECK_FOR_NEW_JOBS_EVERY = 15', 'CHECK_FOR_NEW_JOBS_EVERY = soon'));
        svc.signal('SIGHUP');
        await svc.waitForLog(/reload refused: the config has errors/);
        assert.match(svc.stderr, /\[Timings\] CHECK_FOR_NEW_JOBS_EVERY: expected .*, got 'soon'/);
      },
    );
  });

  it('pycron run refuses to start a second copy of a job the service is running', async () => {
    await withService(
      'run-guard',
      (f) => writeJobFolder(f.jobs, 'long', 'every 1s', 'sleep 10'),
      async (svc, f) => {
        await svc.waitForLog(/run started: long/);
        const out = runCli(['run', 'long', '-c', f.config]);
        assert.equal(out.code, 1);
        assert.match(
          out.stderr,
          /^pycron: long is running already \(pid \d+, run [0-9a-f-]{36}\); pycron never starts a second copy\n$/,
        );
      },
    );
  });

  it('a second service on the same state file refuses to start, naming the first', async () => {
    await withService(
      'locked',
      () => {},
      async (svc, f) => {
        const second = runCli(['-c', f.config]);
        assert.equal(second.code, 1);
        assert.match(
          second.stderr,
          new RegExp(
            `pycron: another pycron \\(pid ${svc.child.pid}\\) is using the state file ${f.state.replace(/[/.]/g, '\\$&')}; stop it first`,
          ),
        );
      },
    );
  });
});
