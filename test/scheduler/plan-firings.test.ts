import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planAfterRun } from '../../src/scheduler/plan-after-run.ts';
import { planFirings } from '../../src/scheduler/plan-firings.ts';
import type { JobState } from '../../src/state/job-state.ts';
import { makeJob } from '../support/make-job.ts';

const t = (iso: string): number => Date.parse(iso);
const idle = { running: false, startUp: false };

describe('planFirings', () => {
  const every5m = makeJob('five', 'every 5m');

  it('fires a slot that is due and moves lastSlotAt to it', () => {
    const state: JobState = { failures: 0, lastSlotAt: t('2026-01-01T00:00:00Z') };
    const plan = planFirings(every5m, state, t('2026-01-01T00:05:00.002Z'), idle);
    assert.deepEqual(plan.fire, {
      job: 'five',
      scheduledAt: t('2026-01-01T00:05:00Z'),
      reason: 'schedule',
      attempt: 1,
      collapsedSlots: 0,
      args: [],
    });
    assert.equal(plan.state.lastSlotAt, t('2026-01-01T00:05:00Z'));
    assert.equal(plan.nextAt, t('2026-01-01T00:10:00Z'));
  });

  it('never fires the same slot twice', () => {
    const state: JobState = { failures: 0, lastSlotAt: t('2026-01-01T00:05:00Z') };
    const plan = planFirings(every5m, state, t('2026-01-01T00:05:00.500Z'), idle);
    assert.equal(plan.fire, undefined);
    assert.equal(plan.nextAt, t('2026-01-01T00:10:00Z'));
  });

  it('a new job starts from now: slots before it was known are not missed', () => {
    const plan = planFirings(every5m, { failures: 0 }, t('2026-01-01T00:07:00Z'), { running: false, startUp: true });
    assert.equal(plan.fire, undefined);
    assert.equal(plan.state.knownSince, t('2026-01-01T00:07:00Z'));
    assert.equal(plan.nextAt, t('2026-01-01T00:10:00Z'));
  });

  it('after downtime, runs the latest missed slot once as a catch-up and collapses the others', () => {
    const state: JobState = { failures: 0, lastSlotAt: t('2026-01-01T00:00:00Z') };
    const plan = planFirings(every5m, state, t('2026-01-01T01:02:00Z'), { running: false, startUp: true });
    assert.deepEqual(plan.fire, {
      job: 'five',
      scheduledAt: t('2026-01-01T01:00:00Z'),
      reason: 'catch-up',
      attempt: 1,
      collapsedSlots: 11,
      missedWhile: 'down',
      args: [],
    });
    assert.equal(plan.nextAt, t('2026-01-01T01:05:00Z'));
  });

  it('a month-long outage of an every-1s job costs a bounded search and still finds the latest slot', () => {
    const job = makeJob('fast', 'every 1s');
    const state: JobState = { failures: 0, lastSlotAt: t('2026-01-01T00:00:00Z') };
    const started = performance.now();
    const plan = planFirings(job, state, t('2026-02-01T00:00:00.300Z'), { running: false, startUp: true });
    assert.ok(performance.now() - started < 1000);
    assert.equal(plan.fire?.scheduledAt, t('2026-02-01T00:00:00Z'));
    assert.equal(plan.fire?.reason, 'catch-up');
  });

  it('a clock that jumped forward while running is a catch-up "while asleep"', () => {
    const state: JobState = { failures: 0, lastSlotAt: t('2026-01-01T00:00:00Z') };
    const plan = planFirings(every5m, state, t('2026-01-01T00:20:00Z'), idle);
    assert.equal(plan.fire?.reason, 'catch-up');
    assert.equal(plan.fire?.missedWhile, 'asleep');
    assert.equal(plan.fire?.collapsedSlots, 3);
  });

  it('a clock that jumped backwards fires nothing until the next slot after the last fired one', () => {
    const state: JobState = { failures: 0, lastSlotAt: t('2026-01-01T00:05:00Z') };
    const plan = planFirings(every5m, state, t('2026-01-01T00:01:00Z'), idle);
    assert.equal(plan.fire, undefined);
    assert.equal(plan.nextAt, t('2026-01-01T00:10:00Z'));
  });

  it('hands a slot that comes while the job runs to the overlap policy, and never offers it again', () => {
    const state: JobState = { failures: 0, lastSlotAt: t('2026-01-01T00:00:00Z') };
    const plan = planFirings(every5m, state, t('2026-01-01T00:05:00Z'), { running: true, startUp: false });
    assert.equal(plan.fire?.scheduledAt, t('2026-01-01T00:05:00Z'));
    assert.equal(plan.state.lastSlotAt, t('2026-01-01T00:05:00Z'));
  });

  it('fires a due retry with the attempt number, and a regular slot replaces a pending retry', () => {
    const state: JobState = { failures: 2, lastSlotAt: t('2026-01-01T00:00:00Z'), retryAt: t('2026-01-01T00:01:00Z') };
    const retry = planFirings(every5m, state, t('2026-01-01T00:01:00Z'), idle);
    assert.deepEqual(retry.fire, {
      job: 'five',
      scheduledAt: t('2026-01-01T00:01:00Z'),
      reason: 'retry',
      attempt: 3,
      collapsedSlots: 0,
      args: [],
    });
    assert.equal(retry.state.retryAt, undefined);

    const late: JobState = { failures: 1, lastSlotAt: t('2026-01-01T00:00:00Z'), retryAt: t('2026-01-01T00:04:00Z') };
    const slot = planFirings(every5m, late, t('2026-01-01T00:05:00Z'), idle);
    assert.equal(slot.fire?.reason, 'schedule');
    assert.equal(slot.fire?.attempt, 2);
    assert.equal(slot.state.retryAt, undefined);
  });

  it('looks again at the earlier of the next slot and the pending retry', () => {
    const state: JobState = { failures: 1, lastSlotAt: t('2026-01-01T00:00:00Z'), retryAt: t('2026-01-01T00:02:00Z') };
    const plan = planFirings(every5m, state, t('2026-01-01T00:01:00Z'), idle);
    assert.equal(plan.nextAt, t('2026-01-01T00:02:00Z'));
  });

  it('uses the earliest slot of several schedules', () => {
    const job = makeJob('two', ['0 3 * * *', '30 1 * * *']);
    const plan = planFirings(
      job,
      { failures: 0, lastSlotAt: t('2026-01-01T00:00:00Z') },
      t('2026-01-01T00:10:00Z'),
      idle,
    );
    assert.equal(plan.nextAt, t('2026-01-01T01:30:00Z'));
  });

  it('a daily 02:30 Berlin job fires once on the fall-back day when planned from inside the repeated hour', () => {
    const job = makeJob('berlin', '30 2 * * *', { timezone: 'Europe/Berlin' });
    // 02:30 CEST = 00:30Z fired; at 01:31Z it is 02:31 CET, inside the repeated hour.
    const state: JobState = { failures: 0, lastSlotAt: t('2026-10-25T00:30:00Z') };
    const plan = planFirings(job, state, t('2026-10-25T01:31:00Z'), idle);
    assert.equal(plan.fire, undefined);
    assert.equal(plan.nextAt, t('2026-10-26T01:30:00Z'));
  });
});

describe('planAfterRun', () => {
  const every5m = makeJob('five', 'every 5m');
  const base: JobState = {
    failures: 0,
    lastSlotAt: t('2026-01-01T00:00:00Z'),
    inFlight: [{ runId: 'r', scheduledAt: 0, reason: 'schedule', attempt: 1, startedAt: 0 }],
  };

  it('a success clears failures, retry and the in-flight run', () => {
    const after = planAfterRun(
      every5m,
      { ...base, failures: 3, retryAt: 5 },
      { ok: true, endedAt: t('2026-01-01T00:00:10Z') },
      { retryDelayMs: 60_000 },
    );
    assert.deepEqual(after, { failures: 0, lastSlotAt: t('2026-01-01T00:00:00Z') });
  });

  it('a failure counts and schedules a retry after the delay', () => {
    const after = planAfterRun(
      every5m,
      base,
      { ok: false, endedAt: t('2026-01-01T00:00:10Z') },
      { retryDelayMs: 60_000 },
    );
    assert.equal(after.failures, 1);
    assert.equal(after.retryAt, t('2026-01-01T00:01:10Z'));
    assert.equal(after.inFlight, undefined);
  });

  it('never retries later than the next regular slot: that slot is the retry', () => {
    const after = planAfterRun(
      every5m,
      base,
      { ok: false, endedAt: t('2026-01-01T00:04:30Z') },
      { retryDelayMs: 60_000 },
    );
    assert.equal(after.failures, 1);
    assert.equal(after.retryAt, undefined);
  });
});
