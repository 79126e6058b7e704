import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultJobOptions } from '../../src/jobs/job-options.ts';
import { spawnOptionsFor } from '../../src/runs/spawn-options-for.ts';
import type { Firing } from '../../src/scheduler/firing.ts';
import { makeJob } from '../support/make-job.ts';

const firing: Firing = {
  job: 'etl',
  scheduledAt: Date.parse('2026-11-23T02:30:00Z'),
  reason: 'chain',
  attempt: 2,
  collapsedSlots: 0,
  args: ['--from', 'a b'],
  source: 'job extract (on success)',
};

describe('rule 7: kopf options reach the run', () => {
  it('dir, [env], user, kill_grace and the arguments are what the run is spawned with', () => {
    const options = {
      ...defaultJobOptions('/jobs/etl', 'etl'),
      dir: '/srv/etl',
      env: { LANG: 'C.UTF-8', PYCRON_JOB: 'spoofed' },
      user: { name: 'postgres', uid: 105, gid: 110 },
      killGraceMs: 2_000,
    };
    const job = makeJob('etl', 'every 1h', { options, timeoutMs: 60_000 });
    const spawn = spawnOptionsFor(job, firing, 'run-1', { killGraceMs: 10_000, captureBytes: 1024, serviceId: 's1' });
    assert.equal(spawn.cwd, '/srv/etl');
    assert.deepEqual(spawn.args, ['--from', 'a b']);
    assert.equal(spawn.uid, 105);
    assert.equal(spawn.gid, 110);
    assert.equal(spawn.killGraceMs, 2_000);
    assert.equal(spawn.timeoutMs, 60_000);
    assert.deepEqual(spawn.env, {
      LANG: 'C.UTF-8',
      PYCRON_JOB: 'etl', // the job's [env] never overrides pycron's own variables
      PYCRON_RUN_ID: 'run-1',
      PYCRON_SCHEDULED_AT: '2026-11-23T02:30:00.000Z',
      PYCRON_ATTEMPT: '2',
      PYCRON_SERVICE: 's1',
    });
  });

  it('without options a run starts in its folder, as the service user, with the service kill grace', () => {
    const job = makeJob('plain', 'every 1h');
    const spawn = spawnOptionsFor(job, { ...firing, args: [] }, 'run-2', { killGraceMs: 10_000, captureBytes: 1024 });
    assert.equal(spawn.cwd, '/jobs/plain');
    assert.equal(spawn.uid, undefined);
    assert.equal(spawn.killGraceMs, 10_000);
    assert.equal(spawn.env.PYCRON_SERVICE, undefined);
  });
});
