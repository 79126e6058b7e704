// The job's state once a run has ended: retries (delay, backoff, max_attempts), the failure count, and the next
// period/pause due time. Pure: the random part of kopf's `random` comes from the caller.
import type { JobSpec } from '../jobs/job-spec.ts';
import type { JobState } from '../state/job-state.ts';
import { nextSlot } from './next-slot.ts';
import { isPeriodic, periodDueAfter } from './period-due.ts';
import { earliest } from './plan-firings.ts';

export interface RunOutcome {
  runId?: string;
  ok: boolean;
  startedAt?: number;
  endedAt: number;
  /** The run was stopped on purpose (overlap = replace): neither a success nor a failure. */
  replaced?: boolean;
  /** The run's extra arguments: its retry gets them again. */
  args?: readonly string[];
}

export interface AfterRunDefaults {
  /** The service's JOB_FAIL_TIMEOUT_PERIOD_MINUTES, unless the job sets retry_delay. */
  retryDelayMs: number;
  random?: () => number;
}

/** The delay before retry number `attempt` (1 = the first retry): fixed, or doubling up to retry_max_delay. */
export function retryDelayFor(job: Pick<JobSpec, 'options'>, defaultDelayMs: number, attempt: number): number {
  const base = job.options.retryDelayMs ?? defaultDelayMs;
  if (job.options.backoff === 'fixed') return base;
  const grown = base * 2 ** Math.min(Math.max(attempt - 1, 0), 40);
  return Math.min(grown, job.options.retryMaxDelayMs ?? Number.MAX_SAFE_INTEGER);
}

/**
 * A failure schedules a retry after the retry delay, unless max_attempts are used up for this slot or the job's next
 * regular run comes first (that run is then the retry); a success clears the failure count.
 */
export function planAfterRun(job: JobSpec, state: JobState, outcome: RunOutcome, defaults: AfterRunDefaults): JobState {
  const next: JobState = { ...state };
  const stillRunning = (state.inFlight ?? []).filter(
    (run) => outcome.runId !== undefined && run.runId !== outcome.runId,
  );
  if (stillRunning.length > 0) next.inFlight = stillRunning;
  else delete next.inFlight;
  if (isPeriodic(job)) {
    const startedAt = outcome.startedAt ?? outcome.endedAt;
    next.periodDueAt = periodDueAfter(job, startedAt, outcome.endedAt, defaults.random ?? Math.random);
  }
  if (outcome.replaced) return next;
  if (outcome.ok) {
    next.failures = 0;
    delete next.retryAt;
    delete next.retryArgs;
    delete next.slotAttempts;
    return next;
  }
  next.failures = state.failures + 1;
  const attempts = state.slotAttempts ?? 1;
  delete next.retryAt;
  delete next.retryArgs;
  if (job.options.maxAttempts !== undefined && attempts >= job.options.maxAttempts) return next;
  const retryAt = outcome.endedAt + retryDelayFor(job, defaults.retryDelayMs, attempts);
  const regular = earliest(
    nextSlot(job, next.lastSlotAt ?? next.knownSince ?? outcome.endedAt),
    isPeriodic(job) ? next.periodDueAt : undefined,
  );
  if (regular === undefined || retryAt < regular) {
    next.retryAt = retryAt;
    if (outcome.args && outcome.args.length > 0) next.retryArgs = [...outcome.args];
  }
  return next;
}
