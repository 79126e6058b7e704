// Slot arithmetic over a job's schedules: the next slot after an instant, and the latest slot up to now.
import type { JobSpec } from '../jobs/job-spec.ts';

/** The earliest slot of any of the job's schedules strictly after `afterMs`. */
export function nextSlot(job: Pick<JobSpec, 'schedules'>, afterMs: number): number | undefined {
  let best: number | undefined;
  for (const schedule of job.schedules) {
    const at = schedule.next(afterMs);
    if (at !== undefined && (best === undefined || at < best)) best = at;
  }
  return best;
}

/** Slots counted one by one before the search jumps ahead (a long outage of an `every 1s` job). */
const MAX_SLOTS_WALKED = 1000;

export interface LatestSlot {
  /** The latest slot in (afterMs, nowMs]. */
  at: number;
  /** How many slots there were in that range; a lower bound when `exact` is false. */
  count: number;
  exact: boolean;
}

/** The latest slot in (afterMs, nowMs], or undefined when there is none. Cost is bounded whatever the gap. */
export function latestSlotUpTo(
  job: Pick<JobSpec, 'schedules'>,
  afterMs: number,
  nowMs: number,
): LatestSlot | undefined {
  let at = nextSlot(job, afterMs);
  if (at === undefined || at > nowMs) return undefined;
  let count = 1;
  for (;;) {
    const following = nextSlot(job, at);
    if (following === undefined || following > nowMs) return { at, count, exact: true };
    at = following;
    count += 1;
    if (count >= MAX_SLOTS_WALKED) break;
  }
  // Too many slots to walk: look back from now in growing windows for the latest one.
  for (let windowMs = 60_000; ; windowMs *= 8) {
    const from = Math.max(at, nowMs - windowMs);
    let latest = nextSlot(job, from);
    if (latest !== undefined && latest <= nowMs) {
      for (let steps = 0; steps < MAX_SLOTS_WALKED; steps++) {
        const following = nextSlot(job, latest);
        if (following === undefined || following > nowMs) break;
        latest = following;
      }
      return { at: latest, count, exact: false };
    }
    if (from === at) return { at, count, exact: false };
  }
}
