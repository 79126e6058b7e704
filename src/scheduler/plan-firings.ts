// The scheduler's decisions as pure functions of (job, state, now): no timers, no `new Date()`.
import type { JobSpec } from '../jobs/job-spec.ts';
import type { JobState } from '../state/job-state.ts';
import type { Firing } from './firing.ts';
import { latestSlotUpTo, nextSlot } from './next-slot.ts';

export interface PlanContext {
  /** The job has a run in progress. */
  running: boolean;
  /** This is the first look at the job since the service started: passed slots were missed while it was down. */
  startUp: boolean;
}

export interface FiringPlan {
  /** Run this now. */
  fire?: Firing;
  /** A slot that came while the job was still running: passed over, never run. */
  skippedSlot?: number;
  /** The job's state after this decision (the input is not modified). */
  state: JobState;
  /** When to look at this job again; undefined when nothing more is scheduled. */
  nextAt?: number;
}

/**
 * What to do for `job` at `now`.
 * Invariants: a slot is fired at most once (lastSlotAt only moves forward); however many slots passed, at most one
 * run is started for them (the latest, as a catch-up); a regular slot replaces a pending retry; a slot reached while
 * the job runs is skipped, not queued.
 */
export function planFirings(job: JobSpec, state: JobState, now: number, context: PlanContext): FiringPlan {
  const next: JobState = { ...state };
  if (next.lastSlotAt === undefined && next.knownSince === undefined) next.knownSince = now;
  const base = next.lastSlotAt ?? next.knownSince ?? now;

  let fire: Firing | undefined;
  let skippedSlot: number | undefined;
  const latest = latestSlotUpTo(job, base, now);
  if (latest) {
    next.lastSlotAt = latest.at;
    const collapsedSlots = latest.count - 1;
    const catchUp = context.startUp || collapsedSlots > 0;
    if (context.running) {
      skippedSlot = latest.at;
    } else {
      // NOTE: the regular slot is the next attempt, so a pending retry is dropped rather than run as well.
      next.retryAt = undefined;
      fire = {
        job: job.name,
        scheduledAt: latest.at,
        reason: catchUp ? 'catch-up' : 'schedule',
        attempt: state.failures + 1,
        collapsedSlots,
        ...(catchUp ? { missedWhile: context.startUp ? ('down' as const) : ('asleep' as const) } : {}),
      };
    }
  } else if (next.retryAt !== undefined && next.retryAt <= now && !context.running) {
    fire = {
      job: job.name,
      scheduledAt: next.retryAt,
      reason: 'retry',
      attempt: state.failures + 1,
      collapsedSlots: 0,
    };
    next.retryAt = undefined;
  }

  const plan: FiringPlan = { state: next };
  if (fire) plan.fire = fire;
  if (skippedSlot !== undefined) plan.skippedSlot = skippedSlot;
  const nextAt = earliest(nextSlot(job, next.lastSlotAt ?? base), next.retryAt);
  if (nextAt !== undefined) plan.nextAt = nextAt;
  return plan;
}

export interface RunOutcome {
  ok: boolean;
  endedAt: number;
}

/**
 * The job's state once a run has ended. A failure schedules a retry after `retryDelayMs`, unless the next regular
 * slot comes first (that slot is then the retry); a success clears the failure count.
 */
export function planAfterRun(job: JobSpec, state: JobState, outcome: RunOutcome, retryDelayMs: number): JobState {
  const next: JobState = { ...state };
  delete next.inFlight;
  if (outcome.ok) {
    next.failures = 0;
    delete next.retryAt;
    return next;
  }
  next.failures = state.failures + 1;
  const retryAt = outcome.endedAt + retryDelayMs;
  const regular = nextSlot(job, next.lastSlotAt ?? next.knownSince ?? outcome.endedAt);
  if (regular !== undefined && regular <= retryAt) delete next.retryAt;
  else next.retryAt = retryAt;
  return next;
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
