// A Scheduler on a FakeClock whose "runs" are timers: each lasts runMs and ends ok or not, and its end updates the
// state the way the run manager does (slotAttempts, inFlight, planAfterRun, lastRun), then re-plans the job.
// The overlap policy is ignore: a firing that arrives while the job runs is dropped and recorded.
import type { Clock, Timer } from '../../src/clock.ts';
import { defaultJobOptions, type JobOptions } from '../../src/jobs/job-options.ts';
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

export const t = (iso: string): number => Date.parse(iso);
export const iso = (ms: number): string => new Date(ms).toISOString();

/** A job with some options set over the defaults; `[]` expressions make a period/pause-only job. */
export function policyJob(name: string, expressions: string | string[], options: Partial<JobOptions> = {}): JobSpec {
  return makeJob(name, expressions, { options: { ...defaultJobOptions(`/jobs/${name}`, name), ...options } });
}

export interface HarnessOptions {
  initial?: ServiceState;
  /** The service's JOB_FAIL_TIMEOUT_PERIOD_MINUTES, in ms (default one minute). */
  retryDelayMs?: number;
  /** How long each run lasts (default 0: it ends at the instant it started). */
  runMs?: number | ((firing: Firing) => number);
  /** Whether each run succeeds (default true). */
  ok?: boolean | ((firing: Firing) => boolean);
  /** Values kopf's `random` draws, in order. */
  random?: number[];
}

export interface RunRecord {
  firing: Firing;
  startedAt: number;
  endedAt?: number;
  /** slotAttempts as the run manager sets it when the run starts. */
  slotAttempts: number;
}

/** Counts armed timers so a scheduler that re-arms forever fails the test instead of hanging it. */
class GuardedClock implements Clock {
  armed = 0;
  constructor(readonly fake: FakeClock) {}
  now(): number {
    return this.fake.now();
  }
  setTimer(atMs: number, fn: () => void): Timer {
    this.armed += 1;
    if (this.armed > 200_000) throw new Error(`timer re-armed ${this.armed} times at ${iso(atMs)}: a busy loop`);
    return this.fake.setTimer(atMs, fn);
  }
}

export function schedulerHarness(start: string, options: HarnessOptions = {}) {
  const clock = new FakeClock(start);
  const guarded = new GuardedClock(clock);
  const store = new MemoryStateStore(options.initial ?? emptyState());
  const state = new StateBook(options.initial ? structuredClone(options.initial) : emptyState(), store);
  const running = new Map<string, RunRecord[]>();
  const runs: RunRecord[] = [];
  const droppedWhileRunning: Firing[] = [];
  const skipped: ({ job: string } & SkippedSlots)[] = [];
  const randoms = [...(options.random ?? [])];
  const random = (): number => {
    const value = randoms.shift();
    if (value === undefined) throw new Error('the test ran out of random values');
    return value;
  };
  let runCount = 0;

  const scheduler: Scheduler = new Scheduler({
    clock: guarded,
    state,
    isRunning: (job) => (running.get(job)?.length ?? 0) > 0,
    fire: (job, firing) => {
      if ((running.get(job.name)?.length ?? 0) > 0) droppedWhileRunning.push(firing);
      else startRun(job, firing);
    },
    skipped: (job, slots) => skipped.push({ job: job.name, ...slots }),
    ...(options.random ? { random } : {}),
  });

  /** Starts a run as the run manager does; also used for runs from outside the scheduler (a trigger). */
  function startRun(job: JobSpec, firing: Firing): RunRecord {
    const runId = `run-${runCount++}`;
    const before = state.get(job.name);
    const slotAttempts = firing.reason === 'retry' ? (before.slotAttempts ?? 1) + 1 : 1;
    const inFlight = { runId, scheduledAt: firing.scheduledAt, reason: firing.reason, attempt: 1, startedAt: 0 };
    state.set(job.name, { ...before, slotAttempts, inFlight: [...(before.inFlight ?? []), inFlight] });
    const record: RunRecord = { firing, startedAt: clock.now(), slotAttempts };
    runs.push(record);
    running.set(job.name, [...(running.get(job.name) ?? []), record]);
    const runMs = typeof options.runMs === 'function' ? options.runMs(firing) : (options.runMs ?? 0);
    const ok = typeof options.ok === 'function' ? options.ok(firing) : (options.ok ?? true);
    clock.setTimer(clock.now() + runMs, () => {
      record.endedAt = clock.now();
      running.set(
        job.name,
        (running.get(job.name) ?? []).filter((r) => r !== record),
      );
      const after = planAfterRun(
        job,
        state.get(job.name),
        { runId, ok, startedAt: record.startedAt, endedAt: record.endedAt },
        { retryDelayMs: options.retryDelayMs ?? 60_000, ...(options.random ? { random } : {}) },
      );
      after.lastRun = {
        runId,
        scheduledAt: firing.scheduledAt,
        startedAt: record.startedAt,
        endedAt: record.endedAt,
        exitCode: ok ? 0 : 1,
        ok,
      };
      state.set(job.name, after);
      scheduler.replan(job.name);
    });
    return record;
  }

  const startsOf = (name: string): string[] => runs.filter((r) => r.firing.job === name).map((r) => iso(r.startedAt));
  return { clock, guarded, state, store, scheduler, runs, skipped, droppedWhileRunning, startRun, startsOf };
}
