// kopf's `[cron]` hash form: each schedule may carry extra arguments for its firings. A slot where several
// schedules meet gets all their arguments, in the order the schedules were written.
import type { JobSpec } from '../jobs/job-spec.ts';

export function argsForSlot(job: Pick<JobSpec, 'schedules' | 'scheduleArgs'>, slot: number): string[] {
  const args: string[] = [];
  job.schedules.forEach((schedule, index) => {
    const extra = job.scheduleArgs[index];
    if (extra && extra.length > 0 && schedule.next(slot - 1) === slot) args.push(...extra);
  });
  return args;
}
