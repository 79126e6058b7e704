import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePycronTokens } from '../../src/schedule/pycron-schedule.ts';
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

const pycron = (every: string, at: string | undefined, zone = 'UTC') => mustParse(parsePycronTokens(every, at, zone));
const at = (text: string) => Date.parse(text);

describe('PyCron folder-name schedules', () => {
  it('Nmin is the N-minute epoch grid', () => {
    const s = pycron('5min', undefined, 'Europe/Berlin');
    assert.equal(s.kind, 'pycron');
    assert.equal(s.expression, '5min');
    assert.equal(iso(s.next(at('2026-06-01T10:02:17Z'))), '2026-06-01T10:05:00.000Z');
    assert.equal(iso(s.next(at('2026-06-01T10:05:00Z'))), '2026-06-01T10:10:00.000Z');
  });

  it('Nhour atHHMM uses only the minutes: the N-hour epoch grid shifted by MM', () => {
    const s = pycron('1hour', 'at0030');
    assert.equal(s.expression, '1hour at0030');
    assert.equal(iso(s.next(at('2026-06-01T10:31:00Z'))), '2026-06-01T11:30:00.000Z');
    assert.equal(pycron('1hour', 'at1530').next(at('2026-06-01T10:31:00Z')), s.next(at('2026-06-01T10:31:00Z')));
    const twoHours = pycron('2hour', 'at0015');
    assert.equal(iso(twoHours.next(at('2026-06-01T10:31:00Z'))), '2026-06-01T12:15:00.000Z');
    assert.equal(iso(pycron('3hour', undefined).next(at('2026-06-01T10:31:00Z'))), '2026-06-01T12:00:00.000Z');
  });

  it('Nhour follows real time across the fall-back (every real hour, both 02:30s in Berlin)', () => {
    const firings = firingsBetween(
      pycron('1hour', 'at0030', 'Europe/Berlin'),
      at('2026-10-24T12:00:00Z'),
      at('2026-10-25T12:00:00Z'),
    );
    assertEvenlySpaced(firings, HOUR_MS);
    assert.ok(firings.includes(at('2026-10-25T00:30:00Z')) && firings.includes(at('2026-10-25T01:30:00Z')));
  });

  const daily: [keyof typeof TRANSITIONS, string][] = [
    ['berlinSpring', 'at0230'],
    ['newYorkSpring', 'at0230'],
    ['berlinFall', 'at0230'],
    ['newYorkFall', 'at0130'],
  ];
  for (const [name, atText] of daily) {
    it(`1day ${atText} around ${name}: once per local day, right after the gap on the spring day`, () => {
      const { zone, at: transition } = TRANSITIONS[name];
      const time = `${atText.slice(2, 4)}:${atText.slice(4)}:00`;
      const firings = firingsBetween(pycron('1day', atText, zone), transition - 4 * DAY_MS, transition + 4 * DAY_MS);
      for (const f of firings) {
        const local = localTime(zone, f);
        assert.ok(local.time === time || (f === transition && name.endsWith('Spring')), `${iso(f)} is ${local.time}`);
      }
      const counts = countPerLocalDay(zone, firings);
      assert.ok(counts.size >= 7);
      for (const [day, count] of counts) assert.equal(count, 1, day);
    });
  }

  it('1day at0230 in Berlin fires at 01:00Z on 29 March and 00:30Z (once) on 25 October', () => {
    const s = pycron('1day', 'at0230', 'Europe/Berlin');
    assert.equal(iso(s.next(at('2026-03-28T12:00:00Z'))), '2026-03-29T01:00:00.000Z');
    assert.equal(iso(s.next(at('2026-10-24T12:00:00Z'))), '2026-10-25T00:30:00.000Z');
    assert.equal(iso(s.next(at('2026-10-25T01:10:00Z'))), '2026-10-26T01:30:00.000Z');
  });

  it('dst_gap = skip: Nday skips a slot in the gap (not the repeated hour); Nhour, in real time, is unaffected', () => {
    const daily = mustParse(parsePycronTokens('1day', 'at0230', 'Europe/Berlin', 'skip'));
    assert.equal(iso(daily.next(at('2026-03-28T12:00:00Z'))), '2026-03-30T00:30:00.000Z');
    assert.equal(iso(daily.next(at('2026-10-24T12:00:00Z'))), '2026-10-25T00:30:00.000Z');
    const ny = mustParse(parsePycronTokens('1day', 'at0200', 'America/New_York', 'skip'));
    assert.equal(iso(ny.next(at('2026-03-07T12:00:00Z'))), '2026-03-09T06:00:00.000Z');
    const hourly = mustParse(parsePycronTokens('1hour', 'at0030', 'Europe/Berlin', 'skip'));
    assert.equal(iso(hourly.next(at('2026-03-29T00:30:00Z'))), '2026-03-29T01:30:00.000Z');
  });

  it('Nday counts local days from 1970-01-01; without at it runs at 00:00', () => {
    // 2026-06-01 is local day 20605 (odd), so 2day runs on 2 June.
    assert.equal(
      iso(pycron('2day', 'at0900', 'America/New_York').next(at('2026-06-01T00:00:00Z'))),
      '2026-06-02T13:00:00.000Z',
    );
    assert.equal(
      iso(pycron('1day', undefined, 'Europe/Berlin').next(at('2026-06-01T12:00:00Z'))),
      '2026-06-01T22:00:00.000Z',
    );
  });

  it('Nweek runs on Mondays, every N-th week counted from Monday 1970-01-05', () => {
    // 2026-06-01 is a Monday in week 2943 (odd): 1week runs that day, 2week a week later.
    assert.equal(iso(pycron('1week', undefined, 'UTC').next(at('2026-05-30T00:00:00Z'))), '2026-06-01T00:00:00.000Z');
    assert.equal(
      iso(pycron('2week', 'at0900', 'Europe/Berlin').next(at('2026-05-30T00:00:00Z'))),
      '2026-06-08T07:00:00.000Z',
    );
    const weekly = firingsBetween(
      pycron('1week', 'at0800', 'America/New_York'),
      at('2026-01-01T00:00:00Z'),
      at('2026-12-31T00:00:00Z'),
    );
    assert.equal(weekly.length, 52);
    for (const f of weekly)
      assert.deepEqual(
        [localTime('America/New_York', f).weekday, localTime('America/New_York', f).time],
        ['Monday', '08:00:00'],
      );
  });

  it('describes itself in words', () => {
    assert.equal(pycron('5min', undefined).describe(), 'every 5 minutes');
    assert.equal(pycron('1hour', undefined).describe(), 'every hour');
    assert.equal(pycron('1hour', 'at0030').describe(), 'at minute 30 of every hour');
    assert.equal(pycron('2hour', 'at0030').describe(), 'at minute 30 of every 2 hours (UTC)');
    assert.equal(pycron('1day', 'at0230', 'Europe/Berlin').describe(), 'at 02:30 every day (Europe/Berlin)');
    assert.equal(pycron('3day', undefined, 'UTC').describe(), 'at 00:00 every 3 days (UTC)');
    assert.equal(pycron('1week', undefined, 'UTC').describe(), 'at 00:00 every Monday (UTC)');
    assert.equal(pycron('2week', 'at0900', 'UTC').describe(), 'at 09:00 every 2 weeks on Monday (UTC)');
  });

  it('rejects bad tokens with a clear message', () => {
    const cases: [string, string | undefined, string][] = [
      ['0min', undefined, "'0min': the count must be from 1 to 100000, got 0"],
      ['5mins', undefined, "'5mins': '5mins' is not Nmin, Nhour, Nday or Nweek (e.g. 5min, 1hour, 2day, 1week)"],
      ['1day', 'at930', "'1day at930': 'at930' is not atHHMM (e.g. at0030, at2300)"],
      ['1day', 'at2400', "'1day at2400': 'at2400' is not a time of day (HH 00-23, MM 00-59)"],
      ['1hour', 'at0060', "'1hour at0060': 'at0060' is not a time of day (HH 00-23, MM 00-59)"],
      ['5min', 'at0030', "'5min at0030': an at time needs an hour, day or week count, not minutes"],
    ];
    for (const [every, atText, error] of cases)
      assert.deepEqual(parsePycronTokens(every, atText, 'UTC'), { ok: false, error });
    assert.deepEqual(parsePycronTokens('5min', undefined, 'Mars/Olympus'), {
      ok: false,
      error: "unknown time zone 'Mars/Olympus'",
    });
  });
});
