// kopf's timing for jobs that run on a rhythm of their own: `period` (start to start), `pause` (end to start),
// `random` (a fresh random part added each round) and `run_at_start`.
import type { JobSpec } from '../jobs/job-spec.ts';

export function isPeriodic(job: Pick<JobSpec, 'options'>): boolean {
  return job.options.periodMs !== undefined || job.options.pauseMs !== undefined;
}

/** The next start after a run that started and ended at these instants: the later of both rules wins. */
export function periodDueAfter(
  job: Pick<JobSpec, 'options'>,
  startedAt: number,
  endedAt: number,
  random: () => number,
): number {
  const { periodMs, pauseMs } = job.options;
  const byPeriod = periodMs !== undefined ? startedAt + periodMs : -Infinity;
  const byPause = pauseMs !== undefined ? endedAt + pauseMs : -Infinity;
  const due = Math.max(byPeriod, byPause, endedAt);
  return due + randomPart(job, random);
}

/** The first start of a job that has never run: now (run_at_start, the default), or one round from now. */
export function initialPeriodDue(job: Pick<JobSpec, 'options'>, now: number, random: () => number): number {
  if (job.options.runAtStart) return now;
  return now + (job.options.periodMs ?? job.options.pauseMs ?? 0) + randomPart(job, random);
}

function randomPart(job: Pick<JobSpec, 'options'>, random: () => number): number {
  const spread = job.options.randomMs ?? 0;
  return spread > 0 ? Math.floor(random() * spread) : 0;
}
