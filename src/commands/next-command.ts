// `pycron next JOB -n N`: the next N firing instants, in the job's zone and in UTC.
import { nextSlot } from '../scheduler/next-slot.ts';
import { formatInstant, zoneOf } from './format-instant.ts';
import { findJob, loadSettingsOrExit, type CommonArgs } from './load-context.ts';

export async function nextCommand(args: CommonArgs & { job: string; count: number; json?: boolean }): Promise<number> {
  const { settings } = loadSettingsOrExit(args);
  const job = await findJob(settings, args.job);
  const instants: number[] = [];
  let after = Date.now();
  while (instants.length < args.count) {
    const at = nextSlot(job, after);
    if (at === undefined) break;
    instants.push(at);
    after = at;
  }
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ job: job.name, timezone: zoneOf(job), next: instants.map((ms) => new Date(ms).toISOString()) }, null, 2)}\n`,
    );
    return 0;
  }
  process.stdout.write(`${job.name}: ${job.schedules.map((s) => s.describe()).join('; ')}\n`);
  if (instants.length === 0) process.stdout.write('no upcoming firings\n');
  for (const at of instants)
    process.stdout.write(`${formatInstant(at, zoneOf(job))} (${zoneOf(job)})  ${new Date(at).toISOString()}\n`);
  return 0;
}
