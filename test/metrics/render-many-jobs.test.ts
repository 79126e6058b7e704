// How long a scrape takes with 10,000 jobs that have each run once. Printed (t.diagnostic), not asserted: the
// time depends on the machine; what is asserted is that every job's series are there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runJob, samplesOf, startHarness } from './metrics-harness.ts';

const JOB_COUNT = 10_000;

test(`render with ${JOB_COUNT} jobs`, async (t) => {
  const names = Array.from({ length: JOB_COUNT }, (_, i) => `job-${String(i).padStart(5, '0')}`);
  const h = startHarness(names);
  const slot = Date.parse('2026-11-23T08:00:00.000Z');
  for (const [i, job] of names.entries()) {
    h.nextRuns.set(job, slot + 86_400_000);
    runJob(h.events, {
      job,
      runId: `run-${i}`,
      scheduledAt: '2026-11-23T08:00:00.000Z',
      startedAt: new Date(slot + (i % 50)).toISOString(),
      durationMs: (i % 600) * 1000,
      ...(i % 10 === 0 ? { result: { exitCode: 1 } } : {}),
    });
  }

  const times: number[] = [];
  let text = '';
  // How long a timer due during a scrape may wait: the longest stretch the event loop was held.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    text = await h.metrics.render();
    times.push(performance.now() - started);
  }
  loopDelay.disable();
  const lines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  // Per job: running, next run, last success (9 in 10 succeeded), 5 outcomes, 12 + 11 histogram lines, skipped.
  assert.equal(lines.length, 2 + JOB_COUNT * (1 + 1 + 5 + 12 + 11 + 1) + (JOB_COUNT * 9) / 10);
  assert.equal(samplesOf(text, 'pycron_runs_total').filter((line) => line.endsWith('"failure"} 1')).length, 1000);
  const sorted = [...times].sort((a, b) => a - b);
  t.diagnostic(
    `render of ${JOB_COUNT} jobs: first ${times[0]?.toFixed(0)} ms, median ${sorted[1]?.toFixed(0)} ms, ` +
      `longest event-loop block ${(loopDelay.max / 1e6).toFixed(0)} ms, ` +
      `${lines.length} samples, ${(Buffer.byteLength(text) / 1024 / 1024).toFixed(1)} MiB`,
  );
});
