// Interval schedules, `every 30s` ... `every 1d`: the instants that are whole multiples of the period since the
// Unix epoch. Real elapsed time, so daylight saving never shifts them and a slow run never makes them drift.
import type { Schedule } from './schedule.ts';
import type { ParsedSchedule } from './parse-schedule.ts';

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  sec: 1_000,
  secs: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

const WORDS: readonly [number, string][] = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1_000, 'second'],
];

/** "every 5 minutes", "every 90 minutes", "every day at 00:00 UTC": the largest unit that divides the period. */
export function describePeriod(periodMs: number): string {
  for (const [unitMs, word] of WORDS) {
    if (periodMs % unitMs !== 0) continue;
    const count = periodMs / unitMs;
    const every = count === 1 ? `every ${word}` : `every ${count} ${word}s`;
    return word === 'day' ? `${every} at 00:00 UTC` : every;
  }
  return `every ${periodMs} ms`;
}

/** Fires at offsetMs + k * periodMs for every integer k: the epoch grid, optionally shifted. */
export class EpochGridSchedule implements Schedule {
  constructor(
    readonly kind: 'interval' | 'pycron',
    readonly expression: string,
    readonly timezone: string,
    readonly periodMs: number,
    readonly offsetMs: number,
    private readonly words: string,
  ) {}

  next(afterMs: number): number | undefined {
    if (!Number.isFinite(afterMs)) return undefined;
    return (Math.floor((afterMs - this.offsetMs) / this.periodMs) + 1) * this.periodMs + this.offsetMs;
  }

  describe(): string {
    return this.words;
  }
}

/** Parses `every <count><unit>` (`every 30s`, `every 5 minutes`, `every 1.5h`). */
export function parseInterval(expression: string, timezone: string): ParsedSchedule {
  const fail = (reason: string): ParsedSchedule => ({ ok: false, error: `'${expression}': ${reason}` });
  const m = /^every\s+([-+]?\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(expression);
  const unitMs = m ? UNIT_MS[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || unitMs === undefined) {
    return fail('expected every <number><unit> with unit s, m, h or d (every 30s, every 5m, every 2h, every 1d)');
  }
  const exactMs = Number(m[1]) * unitMs;
  const periodMs = Math.round(exactMs / 1000) * 1000;
  if (!(exactMs > 0)) return fail('the interval must be greater than zero');
  if (Math.abs(periodMs - exactMs) > 1e-6) return fail('the interval must be a whole number of seconds');
  if (periodMs > 366 * 86_400_000)
    return fail('the interval must be at most 366 days (use cron or ISO 8601 for longer)');
  return {
    ok: true,
    schedule: new EpochGridSchedule('interval', expression, timezone, periodMs, 0, describePeriod(periodMs)),
  };
}
