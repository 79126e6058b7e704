// A Dispatcher over fake runs on a FakeClock: a run lasts until the test ends it with `end`, which calls runEnded as
// the run manager does (the run is gone first). Records starts, stops, log lines and firing:skipped events.
import assert from 'node:assert/strict';
import { Dispatcher } from '../../src/dispatch/dispatcher.ts';
import { ServiceEventBus } from '../../src/events.ts';
import { defaultJobOptions, type JobOptions } from '../../src/jobs/job-options.ts';
import type { JobSpec } from '../../src/jobs/job-spec.ts';
import type { ServiceLogger } from '../../src/log/service-logger.ts';
import type { RunResult } from '../../src/runner/run-result.ts';
import type { StopReason } from '../../src/runner/spawn-job.ts';
import type { Firing } from '../../src/scheduler/firing.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { makeJob } from '../support/make-job.ts';

export const t = (iso: string): number => Date.parse(iso);
export const START = '2026-01-01T00:00:00Z';

export function job(name: string, options: Partial<JobOptions> = {}, overrides: Partial<JobSpec> = {}): JobSpec {
  return makeJob(name, 'every 1h', {
    options: { ...defaultJobOptions(`/jobs/${name}`, name), ...options },
    ...overrides,
  });
}

export interface StartedRun {
  job: string;
  firing: Firing;
  at: number;
}

/** A Dispatcher over fake runs: a run lasts until the test ends it with `end`. */
export function harness(jobs: JobSpec[]) {
  const clock = new FakeClock(START);
  const catalog = new Map(jobs.map((j) => [j.name, j]));
  const running = new Map<string, StartedRun[]>();
  const started: StartedRun[] = [];
  const stops: { job: string; reason: StopReason }[] = [];
  const logs: { level: string; message: string }[] = [];
  const skipped: { job: string; slot: number; reason: string }[] = [];
  const events = new ServiceEventBus();
  events.on('firing:skipped', (e) => skipped.push(e));
  const log =
    (level: string) =>
    (message: string): void =>
      void logs.push({ level, message });
  const logger: ServiceLogger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    isEnabled: () => true,
    close: async () => {},
  };
  const dispatcher: Dispatcher = new Dispatcher({
    clock,
    logger,
    events,
    lookupJob: (name) => catalog.get(name),
    runs: {
      start(spec, firing) {
        const run = { job: spec.name, firing, at: clock.now() };
        started.push(run);
        running.set(spec.name, [...(running.get(spec.name) ?? []), run]);
        return { runId: `run-${started.length - 1}`, result: new Promise<RunResult>(() => {}) };
      },
      runningCount: (name) => running.get(name)?.length ?? 0,
      async stopJob(name, reason) {
        stops.push({ job: name, reason });
      },
    },
  });

  /** Ends the oldest run of `name` as the run manager does: the run is gone, then runEnded. */
  function end(name: string, how: { ok?: boolean; replaced?: boolean } = {}): void {
    const runs = running.get(name) ?? [];
    const run = runs.shift();
    assert.ok(run, `${name} has no run to end`);
    const ok = how.ok ?? true;
    const result: RunResult = {
      runId: `run-${started.indexOf(run)}`,
      job: name,
      exitCode: ok ? 0 : 1,
      signal: null,
      timedOut: false,
      forcefullyTerminated: false,
      error: null,
      pid: 1,
      startedAt: run.at,
      endedAt: clock.now(),
      durationMs: clock.now() - run.at,
      stdout: '',
      stderr: '',
      outputTruncated: false,
      errorTruncated: false,
    };
    dispatcher.runEnded(name, { ok, replaced: how.replaced ?? false, result });
  }

  const firing = (name: string, reason: Firing['reason'] = 'schedule'): Firing => ({
    job: name,
    scheduledAt: clock.now(),
    reason,
    attempt: 1,
    collapsedSlots: 0,
    args: [],
  });

  const startsOf = (name: string): StartedRun[] => started.filter((run) => run.job === name);
  const get = (name: string): JobSpec => catalog.get(name) as JobSpec;
  return { clock, dispatcher, catalog, started, startsOf, stops, logs, skipped, end, firing, get };
}
