// A ServiceMetrics on a real event bus, with a job list and next runs the test sets, and runs built from real
// RunResults and StatusRecords.
import { ServiceEventBus } from '../../src/events.ts';
import { ServiceMetrics, type ServiceMetricsOptions } from '../../src/metrics/service-metrics.ts';
import type { RunResult } from '../../src/runner/run-result.ts';
import type { Firing, FiringReason } from '../../src/scheduler/firing.ts';
import { buildStatusRecord } from '../../src/statuslog/status-record.ts';

export const JOBS_FOLDER = '/srv/pycron/jobs';

export interface Harness {
  events: ServiceEventBus;
  metrics: ServiceMetrics;
  jobs: Set<string>;
  nextRuns: Map<string, number>;
  /** How many times nextRunOf was asked. */
  nextRunCalls: { count: number };
  listenerErrors: unknown[];
}

export function startHarness(jobs: string[], overrides: Partial<Omit<ServiceMetricsOptions, 'events'>> = {}): Harness {
  const listenerErrors: unknown[] = [];
  const events = new ServiceEventBus((_event, error) => listenerErrors.push(error));
  const jobSet = new Set(jobs);
  const nextRuns = new Map<string, number>();
  const nextRunCalls = { count: 0 };
  const metrics = new ServiceMetrics({
    events,
    jobNames: () => jobSet,
    nextRunOf: (job) => {
      nextRunCalls.count++;
      return nextRuns.get(job);
    },
    jobsFolder: JOBS_FOLDER,
    processMetrics: false,
    // Tests look at an event's effect in the very next scrape; the render cache has tests of its own.
    maxAgeMs: 0,
    ...overrides,
  });
  return { events, metrics, jobs: jobSet, nextRuns, nextRunCalls, listenerErrors };
}

export interface RunSpec {
  job: string;
  runId: string;
  reason?: FiringReason;
  scheduledAt: string;
  startedAt: string;
  durationMs: number;
  result?: Partial<RunResult>;
}

export function firingOf(spec: RunSpec): Firing {
  return {
    job: spec.job,
    scheduledAt: Date.parse(spec.scheduledAt),
    reason: spec.reason ?? 'schedule',
    attempt: 1,
    collapsedSlots: 0,
    args: [],
  };
}

export function resultOf(spec: RunSpec): RunResult {
  const startedAt = Date.parse(spec.startedAt);
  return {
    runId: spec.runId,
    job: spec.job,
    exitCode: 0,
    signal: null,
    timedOut: false,
    forcefullyTerminated: false,
    error: null,
    pid: 4242,
    startedAt,
    endedAt: startedAt + spec.durationMs,
    durationMs: spec.durationMs,
    stdout: '',
    stderr: '',
    outputTruncated: false,
    errorTruncated: false,
    ...spec.result,
  };
}

/** Emits run:started, as the run manager does once the process is spawned. */
export function startRun(events: ServiceEventBus, spec: RunSpec): void {
  events.emit('run:started', { firing: firingOf(spec), runId: spec.runId, pid: resultOf(spec).pid });
}

/** Emits run:finished with the status record the run manager would write. */
export function finishRun(events: ServiceEventBus, spec: RunSpec): void {
  const firing = firingOf(spec);
  const result = resultOf(spec);
  const record = buildStatusRecord({
    job: { name: spec.job, file: `${JOBS_FOLDER}/${spec.job}/run.sh` },
    result,
    scheduledAt: firing.scheduledAt,
    reasonForRun: firing.reason,
    failedAttempts: result.exitCode === 0 ? 0 : 1,
    nextRun: undefined,
    host: 'box1',
  });
  events.emit('run:finished', { firing, result, record });
}

export function runJob(events: ServiceEventBus, spec: RunSpec): void {
  startRun(events, spec);
  finishRun(events, spec);
}

/** The sample lines of one metric family (its _bucket, _sum and _count lines for a histogram), in order. */
export function samplesOf(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter(
      (line) => !line.startsWith('#') && /^[a-z_]+/.exec(line)?.[0]?.replace(/_(bucket|sum|count)$/, '') === name,
    );
}
