// A job's rhythm in words for `pycron list`: its schedules, kopf's period/pause, or what starts it instead.
import type { JobSpec } from '../jobs/job-spec.ts';

export function describeRhythm(job: Pick<JobSpec, 'schedules' | 'options'>): string {
  const { options } = job;
  if (options.type === 'proc') return 'proc (runs all the time)';
  const parts = job.schedules.map((s) => s.describe());
  if (options.periodMs !== undefined) parts.push(`period ${seconds(options.periodMs)}`);
  if (options.pauseMs !== undefined) parts.push(`pause ${seconds(options.pauseMs)}`);
  return parts.length > 0 ? parts.join('; ') : 'on trigger only';
}

function seconds(ms: number): string {
  return `${ms / 1000}s`;
}
