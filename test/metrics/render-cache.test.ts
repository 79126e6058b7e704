// GET /metrics serves a rendered text again within maxAgeMs, so several scrapers (two Prometheus replicas, a
// dashboard) cost one render. Time is driven through the injected monotonic clock; nothing sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJob, samplesOf, startHarness, type RunSpec } from './metrics-harness.ts';

const backupRun: RunSpec = {
  job: 'backup',
  runId: 'run-1',
  scheduledAt: '2026-11-23T08:00:00.000Z',
  startedAt: '2026-11-23T08:00:00.120Z',
  durationMs: 1530,
};

function cachedHarness() {
  const clock = { ms: 50_000 };
  const h = startHarness(['backup'], { maxAgeMs: 1000, now: () => clock.ms });
  h.nextRuns.set('backup', Date.parse('2026-11-24T08:00:00.000Z'));
  return { ...h, clock };
}

test('two scrapes within the window share one render; a change shows in the first scrape after it', async () => {
  const h = cachedHarness();
  const first = await h.metrics.render();
  assert.equal(h.nextRunCalls.count, 1);
  runJob(h.events, backupRun);
  h.clock.ms += 999;
  assert.equal(await h.metrics.render(), first);
  assert.equal(h.nextRunCalls.count, 1);
  h.clock.ms += 1;
  const after = await h.metrics.render();
  assert.equal(h.nextRunCalls.count, 2);
  assert.equal(samplesOf(after, 'pycron_runs_total')[0], 'pycron_runs_total{job="backup",outcome="success"} 1');
  assert.equal(samplesOf(first, 'pycron_runs_total')[0], 'pycron_runs_total{job="backup",outcome="success"} 0');
});

test('the age counts from the start of the render, when the job list and next runs were read', async () => {
  const h = cachedHarness();
  const rendering = h.metrics.render();
  // The clock moves while the render is under way (it gives the event loop back between slices).
  h.clock.ms += 600;
  const text = await rendering;
  h.clock.ms += 399;
  assert.equal(await h.metrics.render(), text);
  h.clock.ms += 1;
  await h.metrics.render();
  assert.equal(h.nextRunCalls.count, 2);
});

test('scrapes during a render share it, with or without a cache', async () => {
  for (const maxAgeMs of [0, 1000]) {
    const h = startHarness(['backup'], { maxAgeMs, now: () => 0 });
    const first = h.metrics.render();
    assert.equal(h.metrics.render(), first);
    await first;
    assert.equal(h.nextRunCalls.count, 1);
  }
});

test('maxAgeMs 0 renders every scrape afresh', async () => {
  const h = startHarness(['backup'], { maxAgeMs: 0, now: () => 0 });
  await h.metrics.render();
  runJob(h.events, backupRun);
  const text = await h.metrics.render();
  assert.equal(h.nextRunCalls.count, 2);
  assert.equal(samplesOf(text, 'pycron_runs_total')[0], 'pycron_runs_total{job="backup",outcome="success"} 1');
});
