import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from '../../src/diagnostic.ts';
import type { FiringReason } from '../../src/scheduler/firing.ts';
import { finishRun, JOBS_FOLDER, runJob, samplesOf, startHarness, startRun, type RunSpec } from './metrics-harness.ts';

const backupRun: RunSpec = {
  job: 'backup',
  runId: 'run-1',
  scheduledAt: '2026-11-23T08:00:00.000Z',
  startedAt: '2026-11-23T08:00:00.120Z',
  durationMs: 1530,
};

test('a scheduled run that succeeded: every series of the job, line for line', async () => {
  const h = startHarness(['backup']);
  h.nextRuns.set('backup', Date.parse('2026-11-24T08:00:00.000Z'));
  runJob(h.events, backupRun);
  const text = await h.metrics.render();

  assert.deepEqual(samplesOf(text, 'pycron_jobs'), ['pycron_jobs 1']);
  assert.deepEqual(samplesOf(text, 'pycron_running'), ['pycron_running{job="backup"} 0']);
  assert.deepEqual(samplesOf(text, 'pycron_next_run_timestamp_seconds'), [
    'pycron_next_run_timestamp_seconds{job="backup"} 1795507200',
  ]);
  assert.deepEqual(samplesOf(text, 'pycron_last_success_timestamp_seconds'), [
    'pycron_last_success_timestamp_seconds{job="backup"} 1795420801.65',
  ]);
  assert.deepEqual(samplesOf(text, 'pycron_runs_total'), [
    'pycron_runs_total{job="backup",outcome="success"} 1',
    'pycron_runs_total{job="backup",outcome="failure"} 0',
    'pycron_runs_total{job="backup",outcome="timeout"} 0',
    'pycron_runs_total{job="backup",outcome="killed"} 0',
    'pycron_runs_total{job="backup",outcome="spawn_error"} 0',
  ]);
  assert.deepEqual(samplesOf(text, 'pycron_run_duration_seconds'), [
    'pycron_run_duration_seconds_bucket{le="0.05",job="backup"} 0',
    'pycron_run_duration_seconds_bucket{le="0.25",job="backup"} 0',
    'pycron_run_duration_seconds_bucket{le="1",job="backup"} 0',
    'pycron_run_duration_seconds_bucket{le="5",job="backup"} 1',
    'pycron_run_duration_seconds_bucket{le="15",job="backup"} 1',
    'pycron_run_duration_seconds_bucket{le="60",job="backup"} 1',
    'pycron_run_duration_seconds_bucket{le="300",job="backup"} 1',
    'pycron_run_duration_seconds_bucket{le="900",job="backup"} 1',
    'pycron_run_duration_seconds_bucket{le="3600",job="backup"} 1',
    'pycron_run_duration_seconds_bucket{le="+Inf",job="backup"} 1',
    'pycron_run_duration_seconds_sum{job="backup"} 1.53',
    'pycron_run_duration_seconds_count{job="backup"} 1',
  ]);
  assert.deepEqual(samplesOf(text, 'pycron_run_lateness_seconds'), [
    'pycron_run_lateness_seconds_bucket{le="0.001",job="backup"} 0',
    'pycron_run_lateness_seconds_bucket{le="0.01",job="backup"} 0',
    'pycron_run_lateness_seconds_bucket{le="0.1",job="backup"} 0',
    'pycron_run_lateness_seconds_bucket{le="0.5",job="backup"} 1',
    'pycron_run_lateness_seconds_bucket{le="1",job="backup"} 1',
    'pycron_run_lateness_seconds_bucket{le="5",job="backup"} 1',
    'pycron_run_lateness_seconds_bucket{le="15",job="backup"} 1',
    'pycron_run_lateness_seconds_bucket{le="60",job="backup"} 1',
    'pycron_run_lateness_seconds_bucket{le="+Inf",job="backup"} 1',
    'pycron_run_lateness_seconds_sum{job="backup"} 0.12',
    'pycron_run_lateness_seconds_count{job="backup"} 1',
  ]);
  assert.deepEqual(samplesOf(text, 'pycron_skipped_firings_total'), ['pycron_skipped_firings_total{job="backup"} 0']);
  assert.deepEqual(h.listenerErrors, []);
});

test('the text has HELP and TYPE for each family and the Prometheus content type', async () => {
  const h = startHarness(['backup']);
  const text = await h.metrics.render();
  assert.equal(h.metrics.contentType, 'text/plain; version=0.0.4; charset=utf-8');
  assert.deepEqual(
    text.split('\n').filter((line) => line.startsWith('# TYPE')),
    [
      '# TYPE pycron_jobs gauge',
      '# TYPE pycron_invalid_job_folders gauge',
      '# TYPE pycron_running gauge',
      '# TYPE pycron_next_run_timestamp_seconds gauge',
      '# TYPE pycron_last_success_timestamp_seconds gauge',
      '# TYPE pycron_runs_total counter',
      '# TYPE pycron_run_duration_seconds histogram',
      '# TYPE pycron_run_lateness_seconds histogram',
      '# TYPE pycron_skipped_firings_total counter',
    ],
  );
  assert.ok(text.endsWith('\n'));
});

test('each way a run ends is counted under its outcome; a run that never started has no duration', async () => {
  const h = startHarness(['backup']);
  const at = { scheduledAt: '2026-11-23T08:00:00.000Z', startedAt: '2026-11-23T08:00:00.000Z', durationMs: 250 };
  runJob(h.events, { ...at, job: 'backup', runId: 'ok' });
  runJob(h.events, { ...at, job: 'backup', runId: 'exit-3', result: { exitCode: 3 } });
  runJob(h.events, {
    ...at,
    job: 'backup',
    runId: 'timeout',
    result: { exitCode: null, signal: 'SIGKILL', timedOut: true, forcefullyTerminated: true },
  });
  runJob(h.events, { ...at, job: 'backup', runId: 'killed', result: { exitCode: null, signal: 'SIGTERM' } });
  runJob(h.events, {
    ...at,
    job: 'backup',
    runId: 'enoent',
    durationMs: 0,
    result: { exitCode: null, pid: null, error: 'cannot run run.sh: no such file' },
  });
  const text = await h.metrics.render();
  assert.deepEqual(samplesOf(text, 'pycron_runs_total'), [
    'pycron_runs_total{job="backup",outcome="success"} 1',
    'pycron_runs_total{job="backup",outcome="failure"} 1',
    'pycron_runs_total{job="backup",outcome="timeout"} 1',
    'pycron_runs_total{job="backup",outcome="killed"} 1',
    'pycron_runs_total{job="backup",outcome="spawn_error"} 1',
  ]);
  assert.ok(
    samplesOf(text, 'pycron_run_duration_seconds').includes('pycron_run_duration_seconds_count{job="backup"} 4'),
  );
  assert.ok(samplesOf(text, 'pycron_run_duration_seconds').includes('pycron_run_duration_seconds_sum{job="backup"} 1'));
});

test('last success keeps the end of the latest successful run, not of a later failure', async () => {
  const h = startHarness(['backup']);
  runJob(h.events, { ...backupRun, runId: 'a', startedAt: '2026-11-23T08:00:00.000Z', durationMs: 2000 });
  runJob(h.events, {
    ...backupRun,
    runId: 'b',
    startedAt: '2026-11-23T09:00:00.000Z',
    durationMs: 2000,
    result: { exitCode: 1 },
  });
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_last_success_timestamp_seconds'), [
    `pycron_last_success_timestamp_seconds{job="backup"} ${Date.parse('2026-11-23T08:00:02.000Z') / 1000}`,
  ]);
});

test('a success from before the start is asked once per job and shown until a new one', async () => {
  const asked: string[] = [];
  const h = startHarness(['backup', 'report'], {
    lastSuccessOf: (job) => {
      asked.push(job);
      return job === 'backup' ? Date.parse('2026-11-22T08:00:05.000Z') : undefined;
    },
  });
  await h.metrics.render();
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_last_success_timestamp_seconds'), [
    'pycron_last_success_timestamp_seconds{job="backup"} 1795334405',
  ]);
  assert.deepEqual(asked, ['backup', 'report']);
  runJob(h.events, backupRun);
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_last_success_timestamp_seconds'), [
    'pycron_last_success_timestamp_seconds{job="backup"} 1795420801.65',
  ]);
});

test('lateness is observed for schedule, catch-up and retry runs only', async () => {
  const reasons: FiringReason[] = [
    'schedule',
    'catch-up',
    'retry',
    'reboot',
    'manual',
    'trigger',
    'chain',
    'period',
    'proc',
  ];
  const h = startHarness(reasons);
  for (const reason of reasons) {
    runJob(h.events, {
      job: reason,
      runId: `run-${reason}`,
      reason,
      scheduledAt: '2026-11-23T08:00:00.000Z',
      startedAt: '2026-11-23T08:00:00.004Z',
      durationMs: 100,
    });
  }
  const text = await h.metrics.render();
  assert.deepEqual(
    samplesOf(text, 'pycron_run_lateness_seconds').filter((line) => line.includes('_count')),
    [
      'pycron_run_lateness_seconds_count{job="schedule"} 1',
      'pycron_run_lateness_seconds_count{job="catch-up"} 1',
      'pycron_run_lateness_seconds_count{job="retry"} 1',
    ],
  );
  assert.ok(
    samplesOf(text, 'pycron_run_lateness_seconds').includes(
      'pycron_run_lateness_seconds_bucket{le="0.01",job="retry"} 1',
    ),
  );
  assert.ok(
    samplesOf(text, 'pycron_run_lateness_seconds').includes(
      'pycron_run_lateness_seconds_bucket{le="0.001",job="retry"} 0',
    ),
  );
  // Every run has a duration, whatever its reason.
  assert.equal(samplesOf(text, 'pycron_run_duration_seconds').filter((line) => line.includes('_count')).length, 9);
});

test('a catch-up after hours down lands in +Inf; a start "before" its slot (clock stepped back) counts as on time', async () => {
  const h = startHarness(['nightly', 'stepped']);
  runJob(h.events, {
    job: 'nightly',
    runId: 'late',
    reason: 'catch-up',
    scheduledAt: '2026-11-23T02:00:00.000Z',
    startedAt: '2026-11-23T07:00:00.000Z',
    durationMs: 100,
  });
  runJob(h.events, {
    job: 'stepped',
    runId: 'early',
    scheduledAt: '2026-11-23T08:00:00.000Z',
    startedAt: '2026-11-23T07:59:59.000Z',
    durationMs: 100,
  });
  const lines = samplesOf(await h.metrics.render(), 'pycron_run_lateness_seconds');
  assert.ok(lines.includes('pycron_run_lateness_seconds_bucket{le="60",job="nightly"} 0'));
  assert.ok(lines.includes('pycron_run_lateness_seconds_bucket{le="+Inf",job="nightly"} 1'));
  assert.ok(lines.includes('pycron_run_lateness_seconds_sum{job="nightly"} 18000'));
  assert.ok(lines.includes('pycron_run_lateness_seconds_bucket{le="0.001",job="stepped"} 1'));
  assert.ok(lines.includes('pycron_run_lateness_seconds_sum{job="stepped"} 0'));
});

test('running counts runs in progress, parallel ones too, and a recovered run does not go below zero', async () => {
  const h = startHarness(['sync']);
  const run = (runId: string): RunSpec => ({ ...backupRun, job: 'sync', runId });
  startRun(h.events, run('a'));
  startRun(h.events, run('b'));
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_running'), ['pycron_running{job="sync"} 2']);
  finishRun(h.events, run('a'));
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_running'), ['pycron_running{job="sync"} 1']);
  finishRun(h.events, run('b'));
  // Recovered after a crash: finished without a run:started in this process.
  finishRun(h.events, run('from-before-the-crash'));
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_running'), ['pycron_running{job="sync"} 0']);
});

test('skipped firings are counted per job', async () => {
  const h = startHarness(['backup', 'report']);
  const slot = Date.parse('2026-11-23T08:00:00.000Z');
  h.events.emit('firing:skipped', { job: 'backup', slot, reason: 'still running (overlap = skip)' });
  h.events.emit('firing:skipped', { job: 'backup', slot: slot + 60_000, reason: 'still running (overlap = skip)' });
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_skipped_firings_total'), [
    'pycron_skipped_firings_total{job="backup"} 2',
    'pycron_skipped_firings_total{job="report"} 0',
  ]);
});

test('next runs are asked only when scraped, and a job without one has no series', async () => {
  const h = startHarness(['backup', 'disabled']);
  h.nextRuns.set('backup', Date.parse('2026-11-24T08:00:00.000Z'));
  runJob(h.events, backupRun);
  h.events.emit('firing:skipped', { job: 'backup', slot: 0, reason: 'x' });
  assert.equal(h.nextRunCalls.count, 0);
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_next_run_timestamp_seconds'), [
    'pycron_next_run_timestamp_seconds{job="backup"} 1795507200',
  ]);
  assert.equal(h.nextRunCalls.count, 2);
  h.nextRuns.set('backup', Date.parse('2026-11-25T08:00:00.000Z'));
  h.nextRuns.set('disabled', Date.parse('2026-11-25T09:30:00.000Z'));
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_next_run_timestamp_seconds'), [
    'pycron_next_run_timestamp_seconds{job="backup"} 1795593600',
    'pycron_next_run_timestamp_seconds{job="disabled"} 1795599000',
  ]);
  h.nextRuns.delete('backup');
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_next_run_timestamp_seconds'), [
    'pycron_next_run_timestamp_seconds{job="disabled"} 1795599000',
  ]);
});

test('job names are escaped as prom-client escapes them: quotes, backslashes and newlines stay inside the label', async () => {
  const name = 'we"ird\\na\nme';
  const h = startHarness([name]);
  startRun(h.events, { ...backupRun, job: name });
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_running'), [
    'pycron_running{job="we\\"ird\\\\na\\nme"} 1',
  ]);
});

test('invalid job folders come from jobs:diagnostics, one per folder', async () => {
  const h = startHarness([]);
  const error = (path: string): Diagnostic => ({ severity: 'error', code: 'JOB_INVALID', path, message: 'bad' });
  h.events.emit('jobs:diagnostics', {
    diagnostics: [
      error(`${JOBS_FOLDER}/broken/job.ini`),
      error(`${JOBS_FOLDER}/broken/schedule`),
      error(`${JOBS_FOLDER}/no-script`),
      { ...error(`${JOBS_FOLDER}/odd`), severity: 'warning' },
    ],
  });
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_invalid_job_folders'), ['pycron_invalid_job_folders 2']);
  h.events.emit('jobs:diagnostics', { diagnostics: [] });
  assert.deepEqual(samplesOf(await h.metrics.render(), 'pycron_invalid_job_folders'), ['pycron_invalid_job_folders 0']);
});

test('scrapes that arrive together share one rendering; the next one reads afresh', async () => {
  const h = startHarness(['backup']);
  h.nextRuns.set('backup', Date.parse('2026-11-24T08:00:00.000Z'));
  const first = h.metrics.render();
  const second = h.metrics.render();
  assert.equal(second, first);
  assert.equal(await second, await first);
  assert.equal(h.nextRunCalls.count, 1);
  await h.metrics.render();
  assert.equal(h.nextRunCalls.count, 2);
});

test('process metrics are on by default, in the same registry', async () => {
  const h = startHarness(['backup'], { processMetrics: undefined });
  const text = await h.metrics.render();
  assert.match(text, /^process_cpu_user_seconds_total \d/m);
  assert.match(text, /^nodejs_heap_size_used_bytes \d/m);
  assert.match(text, /^pycron_jobs 1$/m);
  h.metrics.close();
});

test('without process metrics every series is pycron_*', async () => {
  const h = startHarness(['backup']);
  runJob(h.events, backupRun);
  const names = (await h.metrics.render())
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => /^[a-z_]+/.exec(line)?.[0]);
  assert.ok(names.length > 0);
  assert.ok(names.every((name) => name?.startsWith('pycron_')));
});
