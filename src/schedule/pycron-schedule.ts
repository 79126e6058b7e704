// PyCron's folder-name schedules (`5min`, `1hour` + `at0030`, `2day` + `at0230`, `1week`) on a fixed grid, so runs
// never drift with run time. Minutes and hours: the UTC epoch grid. Days and weeks: local days counted from 1970.
import type { ParsedSchedule } from './parse-schedule.ts';
import type { Schedule } from './schedule.ts';
import { EpochGridSchedule, describePeriod } from './interval-schedule.ts';
import { nextWallInstant } from './next-wall-instant.ts';
import type { WallMatcher } from './next-wall-instant.ts';
import { isValidTimeZone } from './zone-time.ts';
import type { DstGapPolicy } from './zone-time.ts';

const DAY_MS = 86_400_000;
const MAX_COUNT = 100_000;
/** 1970-01-05, the first Monday after the epoch, is local day 4. */
const FIRST_MONDAY_DAY = 4;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local day-grid schedule: at `timeOfDayMs` on local days d with d = base (mod stepDays). cronie's fixed-time DST rule. */
class DayGridSchedule implements Schedule {
  readonly kind = 'pycron';
  private readonly match: WallMatcher;

  constructor(
    readonly expression: string,
    readonly timezone: string,
    baseDay: number,
    stepDays: number,
    timeOfDayMs: number,
    private readonly words: string,
    private readonly gap: DstGapPolicy,
  ) {
    this.match = (fromWallMs) => {
      const today = Math.floor(fromWallMs / DAY_MS);
      let day = baseDay + Math.ceil((today - baseDay) / stepDays) * stepDays;
      if (day * DAY_MS + timeOfDayMs < fromWallMs) day += stepDays;
      return day * DAY_MS + timeOfDayMs;
    };
  }

  next(afterMs: number): number | undefined {
    return nextWallInstant(this.timezone, afterMs, this.match, 'fixed-time', this.gap);
  }

  describe(): string {
    return this.words;
  }
}

/**
 * A PyCron schedule from its folder names: `every` is `Nmin`, `Nhour`, `Nday` or `Nweek`; `at` is `atHHMM` or
 * undefined. `Nhour` + `atHHMM` uses only the minutes (as PyCron did). `dstGap` applies to `Nday` and `Nweek`, the
 * fixed-time ones.
 */
export function parsePycronTokens(
  every: string,
  at: string | undefined,
  timezone: string,
  dstGap: DstGapPolicy = 'run_after',
): ParsedSchedule {
  const expression = at === undefined ? every : `${every} ${at}`;
  const fail = (reason: string): ParsedSchedule => ({ ok: false, error: `'${expression}': ${reason}` });
  if (!isValidTimeZone(timezone)) return { ok: false, error: `unknown time zone '${timezone}'` };
  const everyMatch = /^(\d+)(min|hour|day|week)$/i.exec(every);
  if (!everyMatch) return fail(`'${every}' is not Nmin, Nhour, Nday or Nweek (e.g. 5min, 1hour, 2day, 1week)`);
  const count = Number(everyMatch[1]);
  const unit = (everyMatch[2] ?? '').toLowerCase();
  if (count < 1 || count > MAX_COUNT) return fail(`the count must be from 1 to ${MAX_COUNT}, got ${everyMatch[1]}`);
  let hour = 0;
  let minute = 0;
  if (at !== undefined) {
    const atMatch = /^at(\d{2})(\d{2})$/i.exec(at);
    if (!atMatch) return fail(`'${at}' is not atHHMM (e.g. at0030, at2300)`);
    hour = Number(atMatch[1]);
    minute = Number(atMatch[2]);
    if (hour > 23 || minute > 59) return fail(`'${at}' is not a time of day (HH 00-23, MM 00-59)`);
    if (unit === 'min') return fail(`an at time needs an hour, day or week count, not minutes`);
  }
  const tz = timezone;
  switch (unit) {
    case 'min': {
      const periodMs = count * 60_000;
      return {
        ok: true,
        schedule: new EpochGridSchedule('pycron', expression, tz, periodMs, 0, describePeriod(periodMs)),
      };
    }
    case 'hour': {
      const periodMs = count * 3_600_000;
      const words =
        minute === 0
          ? describePeriod(periodMs)
          : count === 1
            ? `at minute ${minute} of every hour`
            : `at minute ${minute} of every ${count} hours (UTC)`;
      return { ok: true, schedule: new EpochGridSchedule('pycron', expression, tz, periodMs, minute * 60_000, words) };
    }
    case 'day': {
      const every = count === 1 ? 'every day' : `every ${count} days`;
      const words = `at ${pad(hour)}:${pad(minute)} ${every} (${tz})`;
      return {
        ok: true,
        schedule: new DayGridSchedule(expression, tz, 0, count, (hour * 60 + minute) * 60_000, words, dstGap),
      };
    }
    default: {
      const every = count === 1 ? 'every Monday' : `every ${count} weeks on Monday`;
      const words = `at ${pad(hour)}:${pad(minute)} ${every} (${tz})`;
      const timeMs = (hour * 60 + minute) * 60_000;
      return {
        ok: true,
        schedule: new DayGridSchedule(expression, tz, FIRST_MONDAY_DAY, count * 7, timeMs, words, dstGap),
      };
    }
  }
}
