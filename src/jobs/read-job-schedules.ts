// A job folder's schedules: its `schedule` file or job.ini's `schedule =` (one of the two), plus one per [cron]
// entry with that entry's arguments. `none` means the job only runs when triggered; period and pause jobs and procs
// need no schedule; a proc takes none.
import type { Diagnostic } from '../diagnostic.ts';
import type { ErrorCode } from '../errors.ts';
import { withJitter } from '../schedule/jittered-schedule.ts';
import { parseSchedule, type ParsedSchedule } from '../schedule/parse-schedule.ts';
import type { Schedule } from '../schedule/schedule.ts';
import type { DstGapPolicy, JobOptions } from './job-options.ts';
import { placeOf, type JobIniValue } from './read-job-ini.ts';
import type { ScheduleEntry } from './read-job-options.ts';

export interface ScheduleSources {
  name: string;
  folder: string;
  /** The `schedule` file: its path, and its text when it exists and could be read. */
  scheduleFile: { path: string; text: string | undefined } | undefined;
  /** `schedule =` that applies (job.ini's, else a proto's). */
  iniSchedule: JobIniValue | undefined;
  /** True when job.ini itself sets `schedule =` (a proto's gives way to a schedule file). */
  iniScheduleIsOwn: boolean;
  cron: readonly ScheduleEntry[];
  timezone: string;
  options: Pick<JobOptions, 'type' | 'dstGap' | 'jitterMs' | 'periodMs' | 'pauseMs'>;
  /** Where job.ini problems are reported. */
  reportAs: string;
}

export interface JobSchedules {
  schedules: Schedule[];
  scheduleArgs: string[][];
  /** Each schedule's text, for the fingerprint. */
  scheduleTexts: string[];
  diagnostics: Diagnostic[];
}

/** The word that means "no schedule: only triggers start this job". */
export const NO_SCHEDULE = 'none';

// Parsing 10,000 cron lines takes most of a second; a rescan finds the same texts, and schedules are pure values.
const parsedSchedules = new Map<string, ParsedSchedule>();
const MAX_CACHED_SCHEDULES = 50_000;

function parseScheduleCached(text: string, timezone: string, jobName: string, dstGap: DstGapPolicy): ParsedSchedule {
  // Only cron's H depends on the job's name: other schedules with the same text and zone are one shared value.
  const seed = /H/.test(text) ? jobName : '';
  const key = `${timezone}\u0000${dstGap}\u0000${seed}\u0000${text}`;
  let parsed = parsedSchedules.get(key);
  if (!parsed) {
    if (parsedSchedules.size >= MAX_CACHED_SCHEDULES) parsedSchedules.clear();
    parsed = parseSchedule(text, timezone, { hashSeed: jobName, dstGap });
    parsedSchedules.set(key, parsed);
  }
  return parsed;
}

const isNone = (text: string): boolean => text.trim().toLowerCase() === NO_SCHEDULE;

/** Never throws; any error diagnostic means the job is not loaded. */
export function readJobSchedules(sources: ScheduleSources): JobSchedules {
  const { name, folder, scheduleFile, iniSchedule, cron, timezone, options, reportAs } = sources;
  const result: JobSchedules = { schedules: [], scheduleArgs: [], scheduleTexts: [], diagnostics: [] };
  const fail = (code: ErrorCode, where: string, message: string): void => {
    result.diagnostics.push({ severity: 'error', code, path: where, message });
  };
  const add = (text: string, args: string[], onError: (error: string) => void): void => {
    const parsed = parseScheduleCached(text, timezone, name, options.dstGap);
    if (!parsed.ok) onError(parsed.error);
    else {
      // NOTE: after the cache: the jitter is seeded by the job's name, and cached schedules are shared.
      const jitterMs = options.jitterMs ?? 0;
      result.schedules.push(jitterMs > 0 ? withJitter(parsed.schedule, jitterMs, name) : parsed.schedule);
      result.scheduleArgs.push(args);
    }
    result.scheduleTexts.push(text);
  };

  let none: { where: string; message: string } | undefined;
  let given = cron.length > 0;
  if (scheduleFile && sources.iniScheduleIsOwn && iniSchedule) {
    fail(
      'JOB_INVALID',
      folder,
      `both a 'schedule' file and 'schedule =' in job.ini (line ${iniSchedule.line}); keep one`,
    );
    given = true;
  } else if (scheduleFile) {
    given = true;
    const lines = (scheduleFile.text ?? '')
      .split(/\r?\n/)
      .map((text, index) => ({ text: text.trim(), line: index + 1 }));
    const expressions = lines.filter((l) => l.text !== '' && !l.text.startsWith('#'));
    if (scheduleFile.text !== undefined && expressions.length === 0)
      fail('JOB_INVALID', scheduleFile.path, 'no schedule expression (every line is blank or a # comment)');
    const noneLine = expressions.find((l) => isNone(l.text));
    if (noneLine && expressions.length > 1)
      fail(
        'JOB_INVALID',
        scheduleFile.path,
        `line ${noneLine.line}: '${NO_SCHEDULE}' (only run when triggered) cannot go with other schedules; remove it or the other lines`,
      );
    else if (noneLine) none = { where: scheduleFile.path, message: `line ${noneLine.line}: ${NO_SCHEDULE}` };
    else
      for (const { text, line } of expressions)
        add(text, [], (error) => fail('SCHEDULE_INVALID', scheduleFile.path, `line ${line}: ${error}`));
  } else if (iniSchedule) {
    given = true;
    const where = placeOf(iniSchedule, reportAs);
    if (isNone(iniSchedule.value)) none = { where: reportAs, message: `${where} = ${NO_SCHEDULE}` };
    // A blank value was reported by readJobOptions.
    else if (iniSchedule.value.trim() !== '')
      add(iniSchedule.value, [], (error) => fail('SCHEDULE_INVALID', reportAs, `${where}: ${error}`));
  }

  for (const { entry, args } of cron) {
    const where = placeOf(entry, reportAs);
    add(entry.key.trim(), args, (error) => fail('SCHEDULE_INVALID', reportAs, `${where}: ${error}`));
  }
  if (none && cron.length > 0)
    fail(
      'JOB_INVALID',
      none.where,
      `${none.message}, but [cron] has ${cron.length} schedule(s): remove one or the other`,
    );

  if (options.type === 'proc') {
    if (given && !(none && cron.length === 0))
      fail(
        'JOB_INVALID',
        folder,
        'a proc (type = proc) runs all the time and takes no schedule: remove its schedule and [cron]',
      );
  } else if (!given && options.periodMs === undefined && options.pauseMs === undefined) {
    fail(
      'JOB_INVALID',
      folder,
      "no schedule (add a 'schedule' file or 'schedule =' in job.ini; 'schedule = none' for a job that only runs when triggered, or period =)",
    );
  }
  return result;
}
