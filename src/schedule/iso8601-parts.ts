// The two parts of an ISO 8601 repeating interval: a start date-time (offset optional) and a duration PnYnMnWnDTnHnMnS.
// Each parser returns a value or the reason it cannot read the text.

export interface IsoStart {
  /** Local date and time as written, encoded as UTC fields. */
  wallMs: number;
  /** The offset written after the time (`Z` is 0), or undefined for local time in the schedule's zone. */
  offsetMs: number | undefined;
}

export interface IsoDuration {
  years: number;
  months: number;
  /** Weeks are folded in (1W = 7 days). */
  days: number;
  /** The T part, in milliseconds of real elapsed time. */
  timeMs: number;
}

const START = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,3}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export function parseIsoStart(text: string): IsoStart | string {
  const m = START.exec(text);
  if (!m) return `start '${text}' is not a date-time like 2026-01-01T00:00:00 (optionally ending in Z or +01:00)`;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((m[7] ?? '0').padEnd(3, '0'));
  const monthDays = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) {
    return `start '${text}' is not a valid date and time`;
  }
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const zone = m[8];
  if (zone === undefined) return { wallMs, offsetMs: undefined };
  if (zone === 'Z') return { wallMs, offsetMs: 0 };
  const digits = zone.slice(1).replace(':', '');
  const offsetHours = Number(digits.slice(0, 2));
  const offsetMinutes = Number(digits.slice(2) || '0');
  if (offsetHours > 18 || offsetMinutes > 59) return `start '${text}' has an offset out of range`;
  const offsetMs = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return { wallMs, offsetMs };
}

export function parseIsoDuration(text: string): IsoDuration | string {
  const m = DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) {
    return `duration '${text}' is not like PT1M, PT1H30M, P1D, P1W or P1M (whole numbers only)`;
  }
  const [years, months, weeks, days, hours, minutes, seconds] = [1, 2, 3, 4, 5, 6, 7].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const duration = {
    years,
    months,
    days: weeks * 7 + days,
    timeMs: ((hours * 60 + minutes) * 60 + seconds) * 1000,
  };
  if (duration.years + duration.months + duration.days + duration.timeMs === 0) return `duration '${text}' is zero`;
  return duration;
}

/** "1 minute", "1 day 12 hours", "2 weeks" (weeks shown when the days are whole weeks and nothing else is set). */
export function describeIsoDuration(d: IsoDuration): string {
  const parts: [number, string][] = [
    [d.years, 'year'],
    [d.months, 'month'],
  ];
  if (d.days % 7 === 0 && d.days > 0 && d.timeMs === 0) parts.push([d.days / 7, 'week']);
  else parts.push([d.days, 'day']);
  const seconds = d.timeMs / 1000;
  parts.push(
    [Math.floor(seconds / 3600), 'hour'],
    [Math.floor((seconds % 3600) / 60), 'minute'],
    [seconds % 60, 'second'],
  );
  return parts
    .filter(([count]) => count > 0)
    .map(([count, unit]) => `${count} ${unit}${count === 1 ? '' : 's'}`)
    .join(' ');
}
