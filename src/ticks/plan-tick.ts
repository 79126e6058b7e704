// Which tick to publish when the timer wakes: the one it was armed for, or, when it wakes more than one period
// late (a suspend, a clock step forward), only the latest one due: a burst of old ticks would tell the wrong time.
import type { Schedule } from '../schedule/schedule.ts';

export interface TickPlan {
  /** The instant to publish. */
  tickAt: number;
  /** Due instants passed over (all before `tickAt`); absent when none was. */
  skipped?: SkippedTicks;
}

export interface SkippedTicks {
  count: number;
  /** More were skipped than were counted (a very long suspend of a fast CRON_TIME). */
  countIsLowerBound: boolean;
  /** The first one skipped: the instant the timer was armed for. */
  firstAt: number;
}

/** Past this many, skipped ticks are no longer counted one by one: a week of every-second ticks is 604,800. */
const MAX_COUNTED_SKIPS = 100_000;

/**
 * The tick to publish when a timer armed for `dueAt` wakes at `now`. Pure.
 * Invariant: `dueAt <= tickAt`, and `tickAt` is `dueAt` or an instant of `schedule` at or before `now`, with no
 * instant of `schedule` in (tickAt, now]: the tick published is always the latest one due.
 */
export function planTick(schedule: Pick<Schedule, 'next'>, dueAt: number, now: number): TickPlan {
  let tickAt = dueAt;
  let count = 0;
  for (;;) {
    const after = schedule.next(tickAt);
    if (after === undefined || after > now) break;
    tickAt = after;
    count++;
    if (count === MAX_COUNTED_SKIPS) {
      const latest = latestDue(schedule, tickAt, now);
      const countIsLowerBound = latest !== tickAt;
      return { tickAt: latest, skipped: { count, countIsLowerBound, firstAt: dueAt } };
    }
  }
  return count === 0 ? { tickAt } : { tickAt, skipped: { count, countIsLowerBound: false, firstAt: dueAt } };
}

/** The latest instant in [from, now] (`from` itself when none later), found by widening a window back from `now`. */
function latestDue(schedule: Pick<Schedule, 'next'>, from: number, now: number): number {
  for (let windowMs = 1000; ; windowMs *= 2) {
    const start = Math.max(from, now - windowMs);
    let at = schedule.next(start);
    if (at !== undefined && at <= now) {
      // Few steps: the half window nearer `now` held no instant.
      for (;;) {
        const after = schedule.next(at);
        if (after === undefined || after > now) return at;
        at = after;
      }
    }
    if (start === from) return from;
  }
}
