// Reads one schedule line: an optional `TZ=Zone ` / `CRON_TZ=Zone ` prefix, then the family is picked from its
// shape (@reboot, every ..., R.../..., PyCron tokens, else cron). Never throws: a bad line is an error message.
import type { Schedule } from './schedule.ts';
import { parseCron } from './cron-schedule.ts';
import { parseInterval } from './interval-schedule.ts';
import { parseIso8601 } from './iso8601-schedule.ts';
import { parsePycronTokens } from './pycron-schedule.ts';
import { createRebootSchedule } from './reboot-schedule.ts';
import { isValidTimeZone } from './zone-time.ts';

export type ParsedSchedule = { ok: true; schedule: Schedule } | { ok: false; error: string };

export interface ParseScheduleOptions {
  /** Seed for cron `H` (hashed) values, normally the job's name; without it `H` is rejected. */
  hashSeed?: string;
  /**
   * Fixed-time slots (cron with fixed minute and hour, PyCron Nday/Nweek) that fall in a spring-forward gap:
   * `run_after` (default, cronie: once right after the gap) or `skip` (not that day). ISO 8601 starts always run after.
   */
  dstGap?: 'run_after' | 'skip';
}

const TZ_PREFIX = /^(?:CRON_)?TZ=(\S*)(?:\s+|$)/;

/** Parses one schedule expression; `defaultTimezone` applies unless the text starts with `TZ=Zone `. */
export function parseSchedule(
  text: string,
  defaultTimezone: string,
  options: ParseScheduleOptions = {},
): ParsedSchedule {
  const trimmed = text.trim();
  let expression = trimmed;
  let timezone = defaultTimezone;
  const prefix = TZ_PREFIX.exec(trimmed);
  if (prefix) {
    timezone = prefix[1] ?? '';
    expression = trimmed.slice(prefix[0].length).trim();
  }
  if (!isValidTimeZone(timezone)) return { ok: false, error: `unknown time zone '${timezone}'` };
  if (expression === '') {
    const what = prefix ? `'${trimmed}': nothing follows the time zone` : `'': the schedule is empty`;
    return {
      ok: false,
      error: `${what}; write cron fields (30 2 * * *), @daily, every 5m, R/<start>/<duration> or 5min`,
    };
  }
  if (expression.toLowerCase() === '@reboot') return { ok: true, schedule: createRebootSchedule(expression, timezone) };
  if (/^every\b/i.test(expression)) return parseInterval(expression, timezone);
  if (/^R\d*\//.test(expression)) return parseIso8601(expression, timezone);
  if (/^(\d{4}-\d{2}-\d{2}|P\d|PT\d)/.test(expression)) {
    return {
      ok: false,
      error: `'${expression}': an ISO 8601 schedule needs the repeating form R[n]/<start>/<duration>, e.g. R/2026-01-01T00:00:00/PT1H`,
    };
  }
  if (/^\d+(min|hour|day|week)(\s|$)/i.test(expression)) {
    const [every = '', at, ...extra] = expression.split(/\s+/);
    if (extra.length > 0)
      return { ok: false, error: `'${expression}': expected Nmin, Nhour, Nday or Nweek, then optionally atHHMM` };
    return parsePycronTokens(every, at, timezone, options.dstGap);
  }
  return parseCron(expression, timezone, options);
}
