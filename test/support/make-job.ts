// Small job specs for scheduler tests, on real schedule parsers.
import { defaultJobOptions } from '../../src/jobs/job-options.ts';
import type { JobSpec } from '../../src/jobs/job-spec.ts';
import { parseSchedule } from '../../src/schedule/parse-schedule.ts';

export function makeJob(name: string, expressions: string | string[], overrides: Partial<JobSpec> = {}): JobSpec {
  const list = Array.isArray(expressions) ? expressions : [expressions];
  const timezone = overrides.timezone ?? 'UTC';
  const schedules = list.map((text) => {
    const parsed = parseSchedule(text, timezone);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.schedule;
  });
  return {
    name,
    layout: 'folder',
    folder: `/jobs/${name}`,
    file: `/jobs/${name}/run.sh`,
    command: { kind: 'exec', path: `/jobs/${name}/run.sh` },
    schedules,
    scheduleArgs: schedules.map(() => []),
    timezone,
    timeoutMs: undefined,
    enabled: true,
    options: defaultJobOptions(`/jobs/${name}`, name),
    fingerprint: list.join('|'),
    ...overrides,
  };
}
