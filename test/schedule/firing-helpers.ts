// Shared checks for schedule tests: chain next() over a window and read instants as local time straight from Intl
// (independent of src/schedule/zone-time.ts, so the code under test is not checked against itself).
import assert from 'node:assert/strict';
import type { Schedule } from '../../src/schedule/schedule.ts';
import { parseSchedule } from '../../src/schedule/parse-schedule.ts';
import type { ParsedSchedule } from '../../src/schedule/parse-schedule.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The 2026 transitions the DST tests revolve around. */
export const TRANSITIONS = {
  berlinSpring: { zone: 'Europe/Berlin', at: Date.parse('2026-03-29T01:00:00Z') },
  newYorkSpring: { zone: 'America/New_York', at: Date.parse('2026-03-08T07:00:00Z') },
  berlinFall: { zone: 'Europe/Berlin', at: Date.parse('2026-10-25T01:00:00Z') },
  newYorkFall: { zone: 'America/New_York', at: Date.parse('2026-11-01T06:00:00Z') },
} as const;

export interface LocalTime {
  date: string;
  time: string;
  hour: number;
  minute: number;
  second: number;
  weekday: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

export function localTime(zone: string, instantMs: number): LocalTime {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'long',
    });
    formatters.set(zone, formatter);
  }
  const p: Record<string, string> = {};
  for (const part of formatter.formatToParts(instantMs)) p[part.type] = part.value;
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    time: `${p.hour}:${p.minute}:${p.second}`,
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: p.weekday ?? '',
  };
}

export function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Parses or fails the test with the parser's message. */
export function mustParse(parsed: ParsedSchedule): Schedule {
  if (!parsed.ok) assert.fail(`expected a schedule, got error: ${parsed.error}`);
  return parsed.schedule;
}

export function schedule(text: string, zone: string): Schedule {
  return mustParse(parseSchedule(text, zone));
}

/** Every firing in (fromMs, toMs], by chaining next(); asserts the chain is strictly increasing. */
export function firingsBetween(s: Schedule, fromMs: number, toMs: number, limit = 200_000): number[] {
  const out: number[] = [];
  let at = s.next(fromMs);
  while (at !== undefined && at <= toMs) {
    const last = out[out.length - 1];
    if (last !== undefined) assert.ok(at > last, `not strictly increasing: ${iso(at)} after ${iso(last)}`);
    out.push(at);
    if (out.length > limit) assert.fail('too many firings');
    at = s.next(at);
  }
  return out;
}

/** Firings counted per local date. */
export function countPerLocalDay(zone: string, firings: readonly number[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const at of firings) {
    const { date } = localTime(zone, at);
    counts.set(date, (counts.get(date) ?? 0) + 1);
  }
  return counts;
}

/** Local dates from `first` to `last` inclusive (YYYY-MM-DD, calendar arithmetic). */
export function localDates(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = Date.parse(`${first}T00:00:00Z`); d <= Date.parse(`${last}T00:00:00Z`); d += DAY_MS) {
    out.push(new Date(d).toISOString().slice(0, 10));
  }
  return out;
}

/** Asserts each consecutive pair of firings is exactly `stepMs` apart (nothing lost, nothing doubled in real time). */
export function assertEvenlySpaced(firings: readonly number[], stepMs: number): void {
  for (let i = 1; i < firings.length; i++) {
    const gap = (firings[i] ?? 0) - (firings[i - 1] ?? 0);
    if (gap !== stepMs) assert.fail(`gap of ${gap} ms between ${iso(firings[i - 1])} and ${iso(firings[i])}`);
  }
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** "2026-03-29 03:00 +02:00": local date, time and UTC offset, which name one instant even in a repeated hour. */
export function localStamp(zone: string, instantMs: number): string {
  let formatter = offsetFormatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormatters.set(zone, formatter);
  }
  const name = formatter.formatToParts(instantMs).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const offset = name === 'GMT' ? '+00:00' : name.replace('GMT', '');
  const { date, time } = localTime(zone, instantMs);
  return `${date} ${time.slice(0, 5)} ${offset}`;
}
