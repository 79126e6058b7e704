// kill -9 of the service at random moments: the state file stays readable, and a job never runs twice at once
// (runs survive the service in their own process groups, and the restarted service must wait for them).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, readStatusRecords, removeTempDir, ServiceProcess, waitFor } from '../support/cli-process.ts';
import { writeJobFolder, writeServiceFolder } from '../support/service-folder.ts';

const KILLS = 20;

describe('crash recovery (end to end)', () => {
  let root: string;
  before(async () => {
    root = await makeTempDir();
  });
  after(async () => {
    await removeTempDir(root);
  });

  it(`${KILLS} kill -9 at random moments: readable state every time, never two copies at once`, async () => {
    const folder = writeServiceFolder(join(root, 'crash'));
    const lock = join(root, 'lock');
    const violations = join(root, 'violations');
    // Each run holds a lock folder for 4-4.9 s (longer than a restart takes, even on a loaded machine); a second
    // copy running meanwhile finds it taken.
    writeJobFolder(
      folder.jobs,
      'guarded',
      'every 1s',
      [
        `if ! mkdir "${lock}" 2>/dev/null; then echo "overlap $PYCRON_RUN_ID" >> "${violations}"; exit 1; fi`,
        `trap 'rmdir "${lock}"' EXIT`,
        'sleep 4.$(( $$ % 9 ))',
      ].join('\n'),
    );
    let adopted = 0;
    for (let i = 0; i < KILLS; i++) {
      const svc = new ServiceProcess(['-c', folder.config]);
      try {
        await svc.waitForLog(/pycron ready/);
        await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 1800)));
        svc.signal('SIGKILL');
        await svc.exit();
        if (/survived the service's restart/.test(svc.stderr)) adopted += 1;
      } finally {
        await svc.kill();
      }
      const text = readFileSync(folder.state, 'utf8');
      assert.doesNotThrow(() => JSON.parse(text), `state file unreadable after kill ${i + 1}: ${text.slice(0, 200)}`);
      assert.equal((JSON.parse(text) as { version: number }).version, 1);
    }
    // A last, clean run: the survivors are waited for, then everything is recorded.
    const svc = new ServiceProcess(['-c', folder.config]);
    try {
      await svc.waitForLog(/pycron ready/);
      await new Promise((r) => setTimeout(r, 3000));
      svc.signal('SIGTERM');
      assert.equal(await svc.exit(), 0);
    } finally {
      await svc.kill();
    }
    assert.equal(
      existsSync(violations) ? readFileSync(violations, 'utf8') : '',
      '',
      'two copies of the job ran at once',
    );
    const records = readStatusRecords(folder.logs);
    assert.ok(records.length >= KILLS / 2, `only ${records.length} records`);
    assert.ok(records.every((r) => r.job === 'guarded'));
    const state = JSON.parse(readFileSync(folder.state, 'utf8')) as { jobs: Record<string, { inFlight?: unknown }> };
    assert.equal(state.jobs.guarded?.inFlight, undefined);
    // Most kills land during a run (each run lasts most of its second): the restart found it and waited.
    assert.ok(adopted >= 1, 'no restart ever found a surviving run');
  });

  it('a run that survives a crash blocks its job even while the job folder is broken at restart', async () => {
    const folder = writeServiceFolder(join(root, 'broken-at-restart'));
    const lock = join(root, 'lock2');
    const violations = join(root, 'violations2');
    const dir = writeJobFolder(
      folder.jobs,
      'guarded',
      'every 1s',
      [
        `if ! mkdir "${lock}" 2>/dev/null; then echo "overlap $PYCRON_RUN_ID" >> "${violations}"; exit 1; fi`,
        `trap 'rmdir "${lock}"' EXIT`,
        // Long enough to outlive a slow restart on a loaded machine.
        'sleep 12',
      ].join('\n'),
    );
    const first = new ServiceProcess(['-c', folder.config]);
    let runId: string;
    try {
      runId = /run started: guarded run_id=([0-9a-f-]+)/.exec(await first.waitForLog(/run started: guarded/))![1]!;
      first.signal('SIGKILL');
      await first.exit();
    } finally {
      await first.kill();
    }
    writeFileSync(join(dir, 'schedule'), '61 * * * *\n');
    const second = new ServiceProcess(['-c', folder.config]);
    try {
      await second.waitForLog(/pycron ready/);
      assert.match(second.stderr, new RegExp(`run ${runId} of guarded \\(pid \\d+\\) survived the service's restart`));
      writeFileSync(join(dir, 'schedule'), 'every 1s\n');
      await second.waitForLog(/job added: guarded/);
      const record = await waitFor(
        () => readStatusRecords(folder.logs).find((r) => r.run_id === runId),
        25_000,
        'the record of the surviving run',
      );
      assert.equal(record.status_code, null);
      await second.waitForLog(/run started: guarded/, 10_000);
      second.signal('SIGTERM');
      assert.equal(await second.exit(), 0);
    } finally {
      await second.kill();
    }
    assert.equal(
      existsSync(violations) ? readFileSync(violations, 'utf8') : '',
      '',
      'two copies of the job ran at once',
    );
  });
});
