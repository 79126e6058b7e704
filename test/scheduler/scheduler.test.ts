import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobSpec } from '../../src/jobs/job-spec.ts';
import type { Firing } from '../../src/scheduler/firing.ts';
import { planAfterRun } from '../../src/scheduler/plan-after-run.ts';
import type { SkippedSlots } from '../../src/scheduler/plan-firings.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { emptyState, type ServiceState } from '../../src/state/job-state.ts';
import { MemoryStateStore } from '../../src/state/memory-state-store.ts';
import { StateBook } from '../../src/state/state-book.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { makeJob } from '../support/make-job.ts';

const t = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

/** A scheduler whose "runs" last `runMs` on the fake clock and end with `ok`. */
function harness(
  start: string,
  options: { runMs?: number; ok?: boolean; initial?: ServiceState; retryDelayMs?: number } = {},
) {
  const clock = new FakeClock(start);
  const store = new MemoryStateStore(options.initial ?? emptyState());
  const state = new StateBook(options.initial ? structuredClone(options.initial) : emptyState(), store);
  const running = new Set<string>();
  const fired: Firing[] = [];
  const skipped: { job: string; slot: string }[] = [];
  const missed: ({ job: string } & SkippedSlots)[] = [];
  const scheduler: Scheduler = new Scheduler({
    clock,
    state,
    isRunning: (job) => running.has(job),
    // Stands in for the dispatcher with overlap = ignore: a firing while the job runs is dropped.
    fire: (job: JobSpec, firing: Firing) => {
      if (running.has(job.name)) {
        skipped.push({ job: job.name, slot: iso(firing.scheduledAt) });
        return;
      }
      fired.push(firing);
      running.add(job.name);
      clock.setTimer(clock.now() + (options.runMs ?? 0), () => {
        running.delete(job.name);
        state.set(
          job.name,
          planAfterRun(
            job,
            state.get(job.name),
            { ok: options.ok ?? true, endedAt: clock.now() },
            { retryDelayMs: options.retryDelayMs ?? 60_000 },
          ),
        );
        scheduler.replan(job.name);
      });
    },
    skipped: (job, slots) => missed.push({ job: job.name, ...slots }),
  });
  return { clock, state, scheduler, fired, skipped, missed };
}

describe('Scheduler', () => {
  it('fires each slot of an every-10s job at its instant, without drift, with one timer', () => {
    const h = harness('2026-01-01T00:00:01Z', { runMs: 7_000 });
    h.scheduler.addAtStartUp(makeJob('tick', 'every 10s'));
    h.scheduler.start();
    h.clock.advance(60_000);
    assert.deepEqual(
      h.fired.map((f) => iso(f.scheduledAt)),
      ['00:10', '00:20', '00:30', '00:40', '00:50', '01:00'].map((s) => `2026-01-01T00:${s}.000Z`),
    );
    assert.ok(h.clock.pendingTimers <= 2);
  });

  it('skips a slot reached while the job still runs, and logs it', () => {
    const h = harness('2026-01-01T00:00:01Z', { runMs: 15_000 });
    h.scheduler.addAtStartUp(makeJob('slow', 'every 10s'));
    h.scheduler.start();
    h.clock.advance(40_000);
    assert.deepEqual(
      h.fired.map((f) => iso(f.scheduledAt)),
      ['2026-01-01T00:00:10.000Z', '2026-01-01T00:00:30.000Z'],
    );
    assert.deepEqual(h.skipped, [
      { job: 'slow', slot: '2026-01-01T00:00:20.000Z' },
      { job: 'slow', slot: '2026-01-01T00:00:40.000Z' },
    ]);
  });

  it('a clock jumping forward runs the passed slot once, then goes back to the grid', () => {
    const h = harness('2026-01-01T00:00:01Z');
    h.scheduler.addAtStartUp(makeJob('five', 'every 5m'));
    h.scheduler.start();
    h.clock.advance(5 * 60_000);
    h.clock.jumpTo('2026-01-01T01:02:00Z');
    h.clock.advance(4 * 60_000);
    assert.deepEqual(
      h.fired.map((f) => [iso(f.scheduledAt), f.reason]),
      [
        ['2026-01-01T00:05:00.000Z', 'schedule'],
        ['2026-01-01T01:00:00.000Z', 'catch-up'],
        ['2026-01-01T01:05:00.000Z', 'schedule'],
      ],
    );
  });

  it('a clock jumping backwards neither repeats nor loses a slot', () => {
    const h = harness('2026-01-01T00:00:01Z');
    h.scheduler.addAtStartUp(makeJob('five', 'every 5m'));
    h.scheduler.start();
    h.clock.advance(10 * 60_000); // fires 00:05 and 00:10
    h.clock.jumpTo('2026-01-01T00:03:00Z');
    h.clock.advance(13 * 60_000); // wall clock reaches 00:16
    assert.deepEqual(
      h.fired.map((f) => iso(f.scheduledAt)),
      ['2026-01-01T00:05:00.000Z', '2026-01-01T00:10:00.000Z', '2026-01-01T00:15:00.000Z'],
    );
  });

  it('at start-up runs a slot missed while the service was down once, as a catch-up', () => {
    const initial: ServiceState = {
      version: 1,
      jobs: { daily: { failures: 0, lastSlotAt: t('2026-01-01T02:30:00Z') } },
    };
    const h = harness('2026-01-03T09:00:00Z', { initial });
    h.scheduler.addAtStartUp(makeJob('daily', '30 2 * * *'));
    h.scheduler.start();
    assert.equal(h.fired.length, 1);
    assert.equal(h.fired[0]?.reason, 'catch-up');
    assert.equal(iso(h.fired[0]!.scheduledAt), '2026-01-03T02:30:00.000Z');
    assert.equal(h.fired[0]?.collapsedSlots, 1);
    h.clock.advance(86_400_000);
    assert.equal(iso(h.fired[1]!.scheduledAt), '2026-01-04T02:30:00.000Z');
    assert.equal(h.fired[1]?.reason, 'schedule');
  });

  it('retries a failed run after the retry delay, never later than the next slot', () => {
    const h = harness('2026-01-01T00:00:01Z', { ok: false, runMs: 1_000, retryDelayMs: 30_000 });
    h.scheduler.addAtStartUp(makeJob('flaky', 'every 1m'));
    h.scheduler.start();
    h.clock.advance(2 * 60_000);
    assert.deepEqual(
      h.fired.map((f) => [iso(f.scheduledAt), f.reason, f.attempt]),
      [
        ['2026-01-01T00:01:00.000Z', 'schedule', 1],
        ['2026-01-01T00:01:31.000Z', 'retry', 2],
        ['2026-01-01T00:02:00.000Z', 'schedule', 3],
      ],
    );
  });

  it('a job added while running starts from now; removing it stops its firings', () => {
    const h = harness('2026-01-01T00:00:01Z');
    h.scheduler.start();
    h.clock.advance(3_000);
    const job = makeJob('late', 'every 5s');
    h.scheduler.upsert(job);
    h.clock.advance(7_000);
    h.scheduler.remove('late');
    h.clock.advance(60_000);
    assert.deepEqual(
      h.fired.map((f) => iso(f.scheduledAt)),
      ['2026-01-01T00:00:05.000Z', '2026-01-01T00:00:10.000Z'],
    );
  });

  it('a disabled job never fires', () => {
    const h = harness('2026-01-01T00:00:01Z');
    h.scheduler.addAtStartUp(makeJob('off', 'every 1s', { enabled: false }));
    h.scheduler.start();
    h.clock.advance(10_000);
    assert.equal(h.fired.length, 0);
    assert.equal(h.clock.pendingTimers, 0);
  });

  it('stop() starts nothing more', () => {
    const h = harness('2026-01-01T00:00:01Z');
    h.scheduler.addAtStartUp(makeJob('tick', 'every 1s'));
    h.scheduler.start();
    h.clock.advance(2_000);
    h.scheduler.stop();
    h.clock.advance(10_000);
    assert.equal(h.fired.length, 2);
  });
});
