// Job names are user-controlled folder names: the series of a job that goes away must go with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSpec } from '../../src/jobs/job-spec.ts';
import { finishRun, runJob, samplesOf, startHarness, startRun, type RunSpec } from './metrics-harness.ts';

const backupRun: RunSpec = {
  job: 'backup',
  runId: 'run-1',
  scheduledAt: '2026-11-23T08:00:00.000Z',
  startedAt: '2026-11-23T08:00:00.120Z',
  durationMs: 1530,
};

function removedJob(name: string): { job: JobSpec } {
  return { job: { name } as JobSpec };
}

test('job:removed drops every series of that job and keeps the others', async () => {
  const h = startHarness(['backup', 'report']);
  h.nextRuns.set('backup', Date.parse('2026-11-24T08:00:00.000Z'));
  h.nextRuns.set('report', Date.parse('2026-11-24T09:00:00.000Z'));
  runJob(h.events, backupRun);
  runJob(h.events, { ...backupRun, job: 'report', runId: 'run-2' });
  h.events.emit('firing:skipped', { job: 'backup', slot: 0, reason: 'x' });
  startRun(h.events, { ...backupRun, runId: 'run-3' });
  assert.ok((await h.metrics.render()).includes('job="backup"'));

  h.jobs.delete('backup');
  h.events.emit('job:removed', removedJob('backup'));
  const text = await h.metrics.render();
  assert.equal(
    text.split('\n').find((line) => line.includes('backup')),
    undefined,
  );
  assert.deepEqual(samplesOf(text, 'pycron_jobs'), ['pycron_jobs 1']);
  assert.deepEqual(samplesOf(text, 'pycron_running'), ['pycron_running{job="report"} 0']);
  assert.equal(samplesOf(text, 'pycron_run_duration_seconds').length, 12);
  // The run that was going on when the job was removed ends later: its series come back until the next scrape.
  finishRun(h.events, { ...backupRun, runId: 'run-3' });
  assert.equal((await h.metrics.render()).includes('backup'), false);
});

test('job:removed forgets the counts at once: a folder of the same name made again starts from zero', async () => {
  const h = startHarness(['backup']);
  runJob(h.events, backupRun);
  h.events.emit('firing:skipped', { job: 'backup', slot: 0, reason: 'x' });
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_skipped_firings_total'), [
    'pycron_skipped_firings_total{job="backup"} 1',
  ]);
  // The catalog still lists it at the next scrape: the folder was removed and made again.
  h.events.emit('job:removed', removedJob('backup'));
  const text = await h.metrics.render();
  assert.deepEqual(samplesOf(text, 'pycron_skipped_firings_total'), ['pycron_skipped_firings_total{job="backup"} 0']);
  assert.equal(samplesOf(text, 'pycron_runs_total')[0], 'pycron_runs_total{job="backup",outcome="success"} 0');
  assert.deepEqual(samplesOf(text, 'pycron_run_duration_seconds'), []);
  assert.deepEqual(samplesOf(text, 'pycron_last_success_timestamp_seconds'), []);
});

test('a churn of job folders does not leave series behind', async () => {
  const h = startHarness(['steady']);
  for (let i = 0; i < 500; i++) {
    const job = `tmp-${i}`;
    h.jobs.add(job);
    h.nextRuns.set(job, Date.parse('2026-11-24T08:00:00.000Z'));
    runJob(h.events, { ...backupRun, job, runId: `run-${i}` });
    await h.metrics.render();
    h.jobs.delete(job);
    // Every other job goes without a job:removed event: the next scrape drops it all the same.
    if (i % 2 === 0) h.events.emit('job:removed', removedJob(job));
  }
  const text = await h.metrics.render();
  const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  assert.deepEqual(samples, [
    'pycron_jobs 1',
    'pycron_invalid_job_folders 0',
    'pycron_running{job="steady"} 0',
    'pycron_runs_total{job="steady",outcome="success"} 0',
    'pycron_runs_total{job="steady",outcome="failure"} 0',
    'pycron_runs_total{job="steady",outcome="timeout"} 0',
    'pycron_runs_total{job="steady",outcome="killed"} 0',
    'pycron_runs_total{job="steady",outcome="spawn_error"} 0',
    'pycron_skipped_firings_total{job="steady"} 0',
  ]);
});

test('close() stops listening', async () => {
  const h = startHarness(['backup']);
  h.metrics.close();
  runJob(h.events, backupRun);
  assert.deepEqual(
    samplesOf(await h.metrics.render(), 'pycron_runs_total')[0],
    'pycron_runs_total{job="backup",outcome="success"} 0',
  );
});
