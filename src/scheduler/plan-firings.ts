// The scheduler's decisions as pure functions of (job, state, now): no timers, no `new Date()`.
import type { JobSpec } from '../jobs/job-spec.ts';
import type { JobState } from '../state/job-state.ts';
import type { Firing } from './firing.ts';
import { latestSlotUpTo, nextSlot } from './next-slot.ts';
import { initialPeriodDue, isPeriodic, periodDueAfter } from './period-due.ts';
import { argsForSlot } from './slot-args.ts';

/** A slot reached later than this counts as missed (suspend, clock step), not merely late: catch_up decides. */
export const ON_TIME_MS = 5_000;

/** catch_up = all runs at most this many missed slots; older ones are skipped and logged. */
export const MAX_CATCH_UP_ALL = 1_000;

export interface PlanContext {
  /** The job has a run in progress. */
  running: boolean;
  /** This is the first look at the job since the service started: passed slots were missed while it was down. */
  startUp: boolean;
  /** catch_up = all: missed slots up to this instant are being run one by one (kept by the caller). */
  backlogUntil?: number;
  /** catch_up = all: why the backlog's slots were missed (kept by the caller with backlogUntil). */
  backlogWhile?: MissedWhile;
  /** A number in [0, 1) for kopf's `random`; Math.random in the service, fixed in tests. */
  random?: () => number;
}

export interface SkippedSlots {
  /** How many; a lower bound when `atLeast` is set (a long outage of a frequent job is not counted one by one). */
  count: number;
  atLeast?: boolean;
  /** The latest slot skipped. */
  latest: number;
  reason: string;
}

export interface FiringPlan {
  /** Run this now (through the job's overlap policy). */
  fire?: Firing;
  /** Missed slots passed over without a run: catch_up = skip, catch_up_max_age, the catch-up cap. */
  skipped?: SkippedSlots;
  /** The job's state after this decision (the input is not modified). */
  state: JobState;
  /** When to look at this job again; undefined when nothing more is scheduled (or it waits for a run's end). */
  nextAt?: number;
  /** catch_up = all: the backlog still to run; undefined when there is none. */
  backlogUntil?: number;
  /** catch_up = all: why the backlog's slots were missed, for the runs still to come. */
  backlogWhile?: MissedWhile;
}

type MissedWhile = NonNullable<Firing['missedWhile']>;

/**
 * What to do for `job` at `now`.
 * Invariants: a slot is fired at most once (lastSlotAt only moves forward); missed slots follow the job's catch_up
 * policy (once: the latest; skip: none; all: each in order, one at a time); a regular slot replaces a pending retry.
 * Whether a slot reached while the job runs is dropped, queued or run beside it is the overlap policy's business.
 */
export function planFirings(job: JobSpec, state: JobState, now: number, context: PlanContext): FiringPlan {
  const next: JobState = { ...state };
  if (next.lastSlotAt === undefined && next.knownSince === undefined) next.knownSince = now;
  const base = next.lastSlotAt ?? next.knownSince ?? now;
  const plan: FiringPlan = { state: next };

  const latest = latestSlotUpTo(job, base, now);
  if (latest) {
    const missed = context.startUp || latest.count > 1 || now - latest.at > ON_TIME_MS;
    const backlogUntil = job.options.catchUp === 'all' && missed ? now : context.backlogUntil;
    if (job.options.catchUp === 'all' && backlogUntil !== undefined) {
      planBacklog(job, next, now, base, backlogUntil, context, plan);
    } else {
      planLatest(job, next, now, base, latest, missed, context, plan);
    }
  }
  if (!plan.fire && next.retryAt !== undefined && next.retryAt <= now && !context.running) {
    plan.fire = firing(job, next.retryAt, 'retry', state.failures + 1, 0, next.retryArgs ?? []);
    delete next.retryAt;
    delete next.retryArgs;
  }
  if (isPeriodic(job) && !plan.fire) planPeriod(job, next, now, context, plan);

  // NOTE: while a backlog waits for a run to end there is no timer for it: the run's end re-plans the job.
  const waitingBacklog = plan.backlogUntil !== undefined && context.running && !plan.fire;
  const slotAt = waitingBacklog ? undefined : nextSlot(job, next.lastSlotAt ?? base);
  const periodAt = context.running ? undefined : next.periodDueAt;
  // NOTE: a retry waits for the run in progress, whose end re-plans the job; a timer for a passed retryAt would
  // fire again at once, over and over, until that run ends.
  const retryAt = context.running ? undefined : next.retryAt;
  const nextAt = earliest(earliest(slotAt, retryAt), periodAt);
  if (nextAt !== undefined) plan.nextAt = nextAt;
  return plan;
}

/** catch_up once / skip (and all without a miss): the latest slot up to now, run or skipped. */
function planLatest(
  job: JobSpec,
  next: JobState,
  now: number,
  base: number,
  latest: { at: number; count: number; exact: boolean },
  missed: boolean,
  context: PlanContext,
  plan: FiringPlan,
): void {
  next.lastSlotAt = latest.at;
  const maxAge = job.options.catchUpMaxAgeMs;
  const onTime = !context.startUp && now - latest.at <= ON_TIME_MS;
  if (missed && maxAge !== undefined && now - latest.at > maxAge) {
    plan.skipped = { count: latest.count, latest: latest.at, reason: 'older than catch_up_max_age' };
    if (!latest.exact) plan.skipped.atLeast = true;
    return;
  }
  if (missed && job.options.catchUp === 'skip') {
    const skippedCount = onTime ? latest.count - 1 : latest.count;
    if (skippedCount > 0) {
      const reason = context.startUp
        ? 'missed while the service was down (catch_up = skip)'
        : 'missed (catch_up = skip)';
      const latestSkipped = onTime ? (latestSlotUpTo(job, base, latest.at - 1)?.at ?? latest.at) : latest.at;
      plan.skipped = { count: skippedCount, latest: latestSkipped, reason };
      if (!latest.exact) plan.skipped.atLeast = true;
    }
    if (!onTime) return;
    plan.fire = firing(job, latest.at, 'schedule', next.failures + 1, 0, argsForSlot(job, latest.at));
  } else {
    const collapsed = latest.count - 1;
    plan.fire = firing(
      job,
      latest.at,
      missed ? 'catch-up' : 'schedule',
      next.failures + 1,
      collapsed,
      argsForSlot(job, latest.at),
    );
    if (missed) plan.fire.missedWhile = context.startUp ? 'down' : 'asleep';
  }
  // NOTE: the regular slot is the next attempt, so a pending retry is dropped rather than run as well.
  delete next.retryAt;
  delete next.retryArgs;
}

/** catch_up = all: the earliest missed slot not yet run, one per call; the job's end re-plans for the next. */
function planBacklog(
  job: JobSpec,
  next: JobState,
  now: number,
  base: number,
  backlogUntil: number,
  context: PlanContext,
  plan: FiringPlan,
): void {
  let from = base;
  const maxAge = job.options.catchUpMaxAgeMs;
  if (maxAge !== undefined) {
    const old = latestSlotUpTo(job, from, now - maxAge);
    if (old) {
      plan.skipped = { count: old.count, latest: old.at, reason: 'older than catch_up_max_age' };
      if (!old.exact) plan.skipped.atLeast = true;
      from = old.at;
    }
  }
  const capped = capBacklog(job, from, backlogUntil);
  if (capped.skipped) plan.skipped = mergeSkipped(plan.skipped, capped.skipped);
  from = capped.from;
  next.lastSlotAt = from;

  const first = nextSlot(job, from);
  if (first === undefined || first > now) return;
  const inBacklog = first <= backlogUntil;
  // The cause of the whole backlog: its later slots are run after start-up, yet were missed while it was down.
  const missedWhile = context.backlogWhile ?? (context.startUp ? 'down' : 'asleep');
  if (inBacklog) {
    plan.backlogUntil = backlogUntil;
    plan.backlogWhile = missedWhile;
  }
  if (context.running && inBacklog) return;
  next.lastSlotAt = first;
  delete next.retryAt;
  delete next.retryArgs;
  const later = nextSlot(job, first);
  // Every slot of a backlog found at start-up was missed while the service was down; after a forward jump, the
  // latest slot may have been reached on time (within ON_TIME_MS of the moment the jump was noticed).
  const missedSlot =
    inBacklog &&
    (missedWhile === 'down' || later === undefined || later <= backlogUntil || backlogUntil - first > ON_TIME_MS);
  plan.fire = firing(job, first, missedSlot ? 'catch-up' : 'schedule', next.failures + 1, 0, argsForSlot(job, first));
  if (missedSlot) plan.fire.missedWhile = missedWhile;
  if (later === undefined || later > backlogUntil) {
    delete plan.backlogUntil;
    delete plan.backlogWhile;
  }
}

/** Keeps the newest MAX_CATCH_UP_ALL slots of (from, until]; the older ones are skipped. Bounded work. */
function capBacklog(job: JobSpec, from: number, until: number): { from: number; skipped?: SkippedSlots } {
  const all = latestSlotUpTo(job, from, until);
  if (!all || (all.exact && all.count <= MAX_CATCH_UP_ALL)) return { from };
  // Halve a window back from `until` until it holds at most MAX_CATCH_UP_ALL slots.
  let windowStart = from;
  for (let span = until - from; span >= 1; span = Math.floor(span / 2)) {
    const candidate = until - span;
    const inWindow = latestSlotUpTo(job, candidate, until);
    if (inWindow && inWindow.exact && inWindow.count <= MAX_CATCH_UP_ALL) {
      windowStart = candidate;
      break;
    }
  }
  const dropped = latestSlotUpTo(job, from, windowStart);
  if (!dropped) return { from };
  return {
    from: dropped.at,
    skipped: {
      count: dropped.count,
      latest: dropped.at,
      reason: `more than ${MAX_CATCH_UP_ALL} missed slots`,
      ...(dropped.exact ? {} : { atLeast: true }),
    },
  };
}

/** kopf period/pause: run when due and the job is idle; the run's end draws the next due time. */
function planPeriod(job: JobSpec, next: JobState, now: number, context: PlanContext, plan: FiringPlan): void {
  if (next.periodDueAt === undefined) {
    if (context.running) return;
    next.periodDueAt = next.lastRun
      ? periodDueAfter(job, next.lastRun.startedAt, next.lastRun.endedAt, context.random ?? Math.random)
      : initialPeriodDue(job, now, context.random ?? Math.random);
  }
  if (next.periodDueAt > now || context.running) return;
  const late = now - next.periodDueAt > ON_TIME_MS || context.startUp;
  if (late && job.options.catchUp === 'skip' && next.lastRun) {
    plan.skipped = { count: 1, latest: next.periodDueAt, reason: 'missed (catch_up = skip)' };
    next.periodDueAt = periodDueAfter(job, now, now, context.random ?? Math.random);
    return;
  }
  plan.fire = firing(job, next.periodDueAt, 'period', next.failures + 1, 0, []);
  // NOTE: no due time while the run goes on: its end (any run's end) draws the next one.
  delete next.periodDueAt;
  delete next.retryAt;
  delete next.retryArgs;
}

function firing(
  job: JobSpec,
  scheduledAt: number,
  reason: Firing['reason'],
  attempt: number,
  collapsedSlots: number,
  args: readonly string[],
): Firing {
  return { job: job.name, scheduledAt, reason, attempt, collapsedSlots, args };
}

function mergeSkipped(a: SkippedSlots | undefined, b: SkippedSlots): SkippedSlots {
  if (!a) return b;
  return {
    count: a.count + b.count,
    latest: Math.max(a.latest, b.latest),
    reason: `${a.reason}; ${b.reason}`,
    ...(a.atLeast || b.atLeast ? { atLeast: true } : {}),
  };
}

export function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
