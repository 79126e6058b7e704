import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIso8601 } from '../../src/schedule/iso8601-schedule.ts';
import {
  DAY_MS,
  HOUR_MS,
  TRANSITIONS,
  assertEvenlySpaced,
  countPerLocalDay,
  firingsBetween,
  iso,
  localTime,
  mustParse,
} from './firing-helpers.ts';

const series = (text: string, zone = 'UTC') => mustParse(parseIso8601(text, zone));
const at = (text: string) => Date.parse(text);

describe('ISO 8601 repeating intervals', () => {
  it("runs CronQ's R/2013-05-29T00:00:00/PT1M every minute, forever", () => {
    const s = series('R/2013-05-29T00:00:00/PT1M');
    assert.equal(iso(s.next(at('2013-05-28T12:00:00Z'))), '2013-05-29T00:00:00.000Z');
    assert.equal(iso(s.next(at('2013-05-29T00:00:00Z'))), '2013-05-29T00:01:00.000Z');
    assert.equal(iso(s.next(at('2026-06-01T10:00:30Z'))), '2026-06-01T10:01:00.000Z');
    assert.equal(s.describe(), 'every minute from 2013-05-29 00:00 (UTC)');
  });

  it('fires n times in all for Rn, then has no next instant', () => {
    const s = series('R5/2026-01-01T00:00:00Z/P1D', 'Europe/Berlin');
    const firings = firingsBetween(s, at('2025-12-01T00:00:00Z'), at('2027-01-01T00:00:00Z'));
    assert.deepEqual(firings.map(iso), [
      '2026-01-01T00:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
      '2026-01-04T00:00:00.000Z',
      '2026-01-05T00:00:00.000Z',
    ]);
    assert.equal(s.next(at('2026-01-05T00:00:00Z')), undefined);
    assert.equal(s.describe(), 'every day from 2026-01-01 01:00, 5 times (Europe/Berlin)');
  });

  it('reads a start without offset as local time in the zone, and honours an explicit offset', () => {
    assert.equal(iso(series('R/2026-06-01T09:00:00/P1D', 'America/New_York').next(0)), '2026-06-01T13:00:00.000Z');
    assert.equal(
      iso(series('R/2026-06-01T09:00:00+02:00/P1D', 'America/New_York').next(0)),
      '2026-06-01T07:00:00.000Z',
    );
    assert.equal(iso(series('R/2026-06-01T09:00/PT1H', 'UTC').next(0)), '2026-06-01T09:00:00.000Z');
    assert.equal(iso(series('R/2026-06-01/PT1H', 'UTC').next(0)), '2026-06-01T00:00:00.000Z');
  });

  it('adds months on the calendar, keeping the day (clamped to the month end)', () => {
    const s = series('R/2026-01-31T12:00:00Z/P1M');
    const firings = firingsBetween(s, at('2026-01-01T00:00:00Z'), at('2026-05-01T00:00:00Z'));
    assert.deepEqual(firings.map(iso), [
      '2026-01-31T12:00:00.000Z',
      '2026-02-28T12:00:00.000Z',
      '2026-03-31T12:00:00.000Z',
      '2026-04-30T12:00:00.000Z',
    ]);
  });

  it('reads PnW and mixed durations', () => {
    const weekly = series('R/2026-01-05T08:00:00Z/P2W');
    assert.equal(iso(weekly.next(at('2026-01-05T08:00:00Z'))), '2026-01-19T08:00:00.000Z');
    assert.equal(weekly.describe(), 'every 2 weeks from 2026-01-05 08:00 (UTC)');
    const mixed = series('R/2026-01-01T00:00:00Z/P1DT12H');
    assert.equal(iso(mixed.next(at('2026-01-01T00:00:00Z'))), '2026-01-02T12:00:00.000Z');
    assert.equal(iso(mixed.next(at('2026-01-02T12:00:00Z'))), '2026-01-04T00:00:00.000Z');
    assert.equal(mixed.describe(), 'every 1 day 12 hours from 2026-01-01 00:00 (UTC)');
  });

  const daily: [keyof typeof TRANSITIONS, string, string][] = [
    ['berlinSpring', 'R/2026-03-20T02:30:00/P1D', '02:30:00'],
    ['newYorkSpring', 'R/2026-03-01T02:30:00/P1D', '02:30:00'],
    ['berlinFall', 'R/2026-10-20T02:30:00/P1D', '02:30:00'],
    ['newYorkFall', 'R/2026-10-25T01:30:00/P1D', '01:30:00'],
  ];
  for (const [name, text, time] of daily) {
    it(`P1D around ${name}: once per local day at ${time} (right after the gap on the spring day)`, () => {
      const { zone, at: transition } = TRANSITIONS[name];
      const firings = firingsBetween(series(text, zone), transition - 4 * DAY_MS, transition + 4 * DAY_MS);
      for (const f of firings) {
        const local = localTime(zone, f);
        assert.ok(local.time === time || (f === transition && name.endsWith('Spring')), `${iso(f)} is ${local.time}`);
      }
      const counts = countPerLocalDay(zone, firings);
      assert.ok(counts.size >= 7);
      for (const [day, count] of counts) assert.equal(count, 1, day);
    });
  }

  it('adds hours in real time across the fall-back (PT1H in Berlin: 25 firings on 25 October)', () => {
    const s = series('R/2026-10-24T00:00:00/PT1H', 'Europe/Berlin');
    const firings = firingsBetween(s, at('2026-10-24T21:59:59Z'), at('2026-10-25T22:59:59Z'));
    assertEvenlySpaced(firings, HOUR_MS);
    assert.equal(countPerLocalDay('Europe/Berlin', firings).get('2026-10-25'), 25);
  });

  it('rejects other forms with the expression and the reason', () => {
    const cases: Record<string, string> = {
      'R0/2026-01-01T00:00:00/PT1M':
        "'R0/2026-01-01T00:00:00/PT1M': R0 never fires; write R for no limit or Rn with n >= 1",
      'R/2026-02-30T00:00:00/PT1M':
        "'R/2026-02-30T00:00:00/PT1M': start '2026-02-30T00:00:00' is not a valid date and time; the form is R[n]/<start>/<duration>",
      'R/PT1M/2026-01-01T00:00:00':
        "'R/PT1M/2026-01-01T00:00:00': start 'PT1M' is not a date-time like 2026-01-01T00:00:00 (optionally ending in Z or +01:00); the form is R[n]/<start>/<duration>",
      'R/2026-01-01T00:00:00/PT0S': "'R/2026-01-01T00:00:00/PT0S': duration 'PT0S' is zero",
      'R/2026-01-01T00:00:00/PT':
        "'R/2026-01-01T00:00:00/PT': duration 'PT' is not like PT1M, PT1H30M, P1D, P1W or P1M (whole numbers only)",
      'R/2026-01-01T00:00:00/PT1.5H':
        "'R/2026-01-01T00:00:00/PT1.5H': duration 'PT1.5H' is not like PT1M, PT1H30M, P1D, P1W or P1M (whole numbers only)",
      'R/2026-01-01T00:00:00':
        "'R/2026-01-01T00:00:00': expected an ISO 8601 repeating interval R[n]/<start>/<duration>, e.g. R/2026-01-01T00:00:00/PT1H",
    };
    for (const [text, error] of Object.entries(cases))
      assert.deepEqual(parseIso8601(text, 'UTC'), { ok: false, error });
  });
});
