// ISO 8601 repeating intervals `R[n]/<start>/<duration>` (CronQ's `R/2013-05-29T00:00:00/PT1M`). Firing k is
// start + k x duration: years, months and days on the zone's wall clock (cronie's DST rules), hours and less in real time.
import type { Schedule } from './schedule.ts';
import type { ParsedSchedule } from './parse-schedule.ts';
import { describeIsoDuration, parseIsoDuration, parseIsoStart } from './iso8601-parts.ts';
import type { IsoDuration } from './iso8601-parts.ts';
import { fixedWallToInstant, formatWall, toWallMs } from './zone-time.ts';

const DAY_MS = 86_400_000;

class Iso8601Schedule implements Schedule {
  readonly kind = 'iso8601';
  private readonly calendar: boolean;
  private readonly approxPeriodMs: number;

  constructor(
    readonly expression: string,
    readonly timezone: string,
    private readonly startMs: number,
    private readonly duration: IsoDuration,
    /** Number of firings in all, or undefined for `R` (unbounded). */
    private readonly repetitions: number | undefined,
  ) {
    const d = duration;
    this.calendar = d.years + d.months + d.days > 0;
    this.approxPeriodMs = d.years * 365.2425 * DAY_MS + d.months * 30.436875 * DAY_MS + d.days * DAY_MS + d.timeMs;
  }

  /** The k-th firing (k = 0 is the start). Strictly increasing in k. */
  private firing(k: number): number {
    if (k === 0 || !this.calendar) return this.startMs + k * this.duration.timeMs;
    const start = new Date(toWallMs(this.timezone, this.startMs));
    const { years, months, days } = this.duration;
    const monthIndex = start.getUTCMonth() + k * months;
    const year = start.getUTCFullYear() + k * years + Math.floor(monthIndex / 12);
    const month0 = ((monthIndex % 12) + 12) % 12;
    // Day 31 + 1 month is the last day of the next month (no overflow into the month after), as in Temporal.
    const day = Math.min(start.getUTCDate(), new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate());
    const timeOfDayMs = start.getTime() - Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
    const wall = Date.UTC(year, month0, day + k * days) + timeOfDayMs;
    return fixedWallToInstant(this.timezone, wall) + k * this.duration.timeMs;
  }

  next(afterMs: number): number | undefined {
    if (!Number.isFinite(afterMs)) return undefined;
    let k = Math.max(0, Math.floor((afterMs - this.startMs) / this.approxPeriodMs));
    // The estimate is off by at most a few periods for calendar units; walk to the exact one.
    while (k > 0 && this.firing(k - 1) > afterMs) k--;
    while (this.firing(k) <= afterMs) k++;
    if (this.repetitions !== undefined && k >= this.repetitions) return undefined;
    return this.firing(k);
  }

  describe(): string {
    const wall = toWallMs(this.timezone, this.startMs);
    const from = formatWall(wall, wall % 60_000 !== 0);
    const every = describeIsoDuration(this.duration).replace(/^1 (\w+)$/, '$1');
    const times =
      this.repetitions === undefined ? '' : `, ${this.repetitions} time${this.repetitions === 1 ? '' : 's'}`;
    return `every ${every} from ${from}${times} (${this.timezone})`;
  }
}

/** Parses `R[n]/<start>/<duration>`; a start without offset is local time in `timezone`. */
export function parseIso8601(expression: string, timezone: string): ParsedSchedule {
  const fail = (reason: string): ParsedSchedule => ({ ok: false, error: `'${expression}': ${reason}` });
  const m = /^R(\d*)\/([^/]+)\/([^/]+)$/.exec(expression);
  if (!m)
    return fail('expected an ISO 8601 repeating interval R[n]/<start>/<duration>, e.g. R/2026-01-01T00:00:00/PT1H');
  const repetitions = m[1] === '' ? undefined : Number(m[1]);
  if (repetitions !== undefined && !(repetitions >= 1))
    return fail('R0 never fires; write R for no limit or Rn with n >= 1');
  const start = parseIsoStart(m[2] ?? '');
  if (typeof start === 'string') return fail(`${start}; the form is R[n]/<start>/<duration>`);
  const duration = parseIsoDuration(m[3] ?? '');
  if (typeof duration === 'string') return fail(duration);
  const startMs =
    start.offsetMs === undefined ? fixedWallToInstant(timezone, start.wallMs) : start.wallMs - start.offsetMs;
  return { ok: true, schedule: new Iso8601Schedule(expression, timezone, startMs, duration, repetitions) };
}
