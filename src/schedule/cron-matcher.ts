// Finds the next local wall slot matching parsed cron fields, by plain UTC arithmetic on wall times (no zone here).
// Day matching follows Vixie cron/cronie: if either day field starts with `*`, both must match; else either may.
import type { CronFieldCollection } from 'cron-parser';
import type { WallMatcher } from './next-wall-instant.ts';

/** How far ahead a search goes before it says "never" (a 5th Monday of February needs up to 28 years). */
const SEARCH_YEARS = 60;

/** Raw text of the two day fields: cronie decides AND/OR from whether they start with `*`. */
export interface CronDayFieldText {
  dayOfMonth: string;
  dayOfWeek: string;
}

/** table[v] = the smallest allowed value >= v, or -1 when none is left in this unit. */
function nextTable(values: readonly number[], size: number): Int8Array {
  const allowed = new Set(values);
  const table = new Int8Array(size + 1).fill(-1);
  for (let v = size - 1; v >= 0; v--) table[v] = allowed.has(v) ? v : (table[v + 1] ?? -1);
  return table;
}

function daysInMonth(year: number, month1: number): number {
  return new Date(Date.UTC(year, month1, 0)).getUTCDate();
}

function startsWithStar(text: string): boolean {
  return text.startsWith('*') || text === '?';
}

/** Builds the matcher: `match(fromWall)` is the smallest matching wall slot >= fromWall (whole seconds). */
export function createCronMatcher(fields: CronFieldCollection, days: CronDayFieldText): WallMatcher {
  const nextSecond = nextTable(fields.second.values, 60);
  const nextMinute = nextTable(fields.minute.values, 60);
  const nextHour = nextTable(fields.hour.values, 24);
  const nextMonth = nextTable(fields.month.values, 13);
  const firstMonth = nextMonth[1] ?? 1;
  const domDays = new Uint8Array(32);
  let domLast = false;
  for (const value of fields.dayOfMonth.values) {
    if (value === 'L') domLast = true;
    else domDays[value] = 1;
  }
  const dowDays = new Uint8Array(7);
  const dowLastDays = new Uint8Array(7);
  for (const value of fields.dayOfWeek.values as readonly (number | string)[]) {
    if (typeof value === 'number') dowDays[value % 7] = 1;
    else if (value.endsWith('L')) dowLastDays[Number.parseInt(value, 10) % 7] = 1;
  }
  const nth = fields.dayOfWeek.nthDay;
  const bothMustMatch = startsWithStar(days.dayOfMonth) || startsWithStar(days.dayOfWeek);

  const dayMatches = (year: number, month1: number, day: number, weekday: number): boolean => {
    const monthDays = domLast || dowLastDays[weekday] ? daysInMonth(year, month1) : 31;
    const domMatch = domDays[day] === 1 || (domLast && day === monthDays);
    const dowMatch =
      (dowDays[weekday] === 1 && (nth <= 0 || Math.ceil(day / 7) === nth)) ||
      (dowLastDays[weekday] === 1 && day > monthDays - 7);
    return bothMustMatch ? domMatch && dowMatch : domMatch || dowMatch;
  };

  return (fromWallMs) => {
    let wall = Math.ceil(fromWallMs / 1000) * 1000;
    if (!Number.isFinite(wall)) return undefined;
    const lastYear = new Date(wall).getUTCFullYear() + SEARCH_YEARS;
    for (;;) {
      const date = new Date(wall);
      const year = date.getUTCFullYear();
      if (year > lastYear) return undefined;
      const month0 = date.getUTCMonth();
      const day = date.getUTCDate();
      const month = nextMonth[month0 + 1] ?? -1;
      if (month === -1) {
        wall = Date.UTC(year + 1, firstMonth - 1, 1);
        continue;
      }
      if (month !== month0 + 1) {
        wall = Date.UTC(year, month - 1, 1);
        continue;
      }
      if (!dayMatches(year, month, day, date.getUTCDay())) {
        wall = Date.UTC(year, month0, day + 1);
        continue;
      }
      const hourNow = date.getUTCHours();
      const hour = nextHour[hourNow] ?? -1;
      if (hour !== hourNow) {
        wall = hour === -1 ? Date.UTC(year, month0, day + 1) : Date.UTC(year, month0, day, hour);
        continue;
      }
      const minuteNow = date.getUTCMinutes();
      const minute = nextMinute[minuteNow] ?? -1;
      if (minute !== minuteNow) {
        wall = minute === -1 ? Date.UTC(year, month0, day, hour + 1) : Date.UTC(year, month0, day, hour, minute);
        continue;
      }
      const secondNow = date.getUTCSeconds();
      const second = nextSecond[secondNow] ?? -1;
      if (second !== secondNow) {
        wall =
          second === -1
            ? Date.UTC(year, month0, day, hour, minute + 1)
            : Date.UTC(year, month0, day, hour, minute, second);
        continue;
      }
      return wall;
    }
  };
}
