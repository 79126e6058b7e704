import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedule } from '../../src/schedule/parse-schedule.ts';
import { iso, schedule } from './firing-helpers.ts';

const at = (text: string) => Date.parse(text);
const errorOf = (text: string, zone = 'UTC'): string => {
  const parsed = parseSchedule(text, zone);
  if (parsed.ok) assert.fail(`'${text}' was accepted`);
  return parsed.error;
};

describe('parseSchedule: picking the family', () => {
  const kinds: [string, string, string][] = [
    ['30 2 * * *', 'cron', '30 2 * * *'],
    ['  0 17  ', 'cron', '0 17'],
    ['*/10 * * * * *', 'cron', '*/10 * * * * *'],
    ['@daily', 'cron', '@daily'],
    ['@reboot', 'reboot', '@reboot'],
    ['every 30s', 'interval', 'every 30s'],
    ['R/2013-05-29T00:00:00/PT1M', 'iso8601', 'R/2013-05-29T00:00:00/PT1M'],
    ['5min', 'pycron', '5min'],
    ['1hour at0030', 'pycron', '1hour at0030'],
    ['2day  at0230', 'pycron', '2day at0230'],
  ];
  for (const [text, kind, expression] of kinds) {
    it(`'${text}' is ${kind}`, () => {
      const s = schedule(text, 'UTC');
      assert.equal(s.kind, kind);
      assert.equal(s.expression, expression);
      assert.equal(s.timezone, 'UTC');
    });
  }
});

describe('parseSchedule: time zones', () => {
  it('takes the zone from a TZ= or CRON_TZ= prefix over the default', () => {
    const s = schedule('TZ=Europe/Berlin 30 2 * * *', 'America/New_York');
    assert.equal(s.timezone, 'Europe/Berlin');
    assert.equal(s.expression, '30 2 * * *');
    assert.equal(iso(s.next(at('2026-06-01T00:00:00Z'))), '2026-06-01T00:30:00.000Z');
    assert.equal(schedule('CRON_TZ=Asia/Tokyo 0 9 * * *', 'UTC').timezone, 'Asia/Tokyo');
    assert.equal(
      schedule('TZ=America/Sao_Paulo 1day at0230', 'UTC').describe(),
      'at 02:30 every day (America/Sao_Paulo)',
    );
  });

  it('uses the default zone otherwise', () => {
    const s = schedule('30 2 * * *', 'America/New_York');
    assert.equal(iso(s.next(at('2026-06-01T00:00:00Z'))), '2026-06-01T06:30:00.000Z');
  });

  it('rejects an unknown zone, in the prefix or as the default', () => {
    assert.equal(errorOf('TZ=Mars/Olympus 0 * * * *'), "unknown time zone 'Mars/Olympus'");
    assert.equal(errorOf('0 * * * *', 'Mars/Olympus'), "unknown time zone 'Mars/Olympus'");
    assert.equal(errorOf('TZ= 0 * * * *'), "unknown time zone ''");
  });
});

describe('parseSchedule: dst_gap', () => {
  it('passes skip to fixed-time cron and PyCron day schedules; ISO 8601 starts still run after the gap', () => {
    const next = (text: string) => {
      const parsed = parseSchedule(text, 'Europe/Berlin', { dstGap: 'skip' });
      if (!parsed.ok) assert.fail(parsed.error);
      return iso(parsed.schedule.next(at('2026-03-28T12:00:00Z')));
    };
    assert.equal(next('30 2 * * *'), '2026-03-30T00:30:00.000Z');
    assert.equal(next('1day at0230'), '2026-03-30T00:30:00.000Z');
    assert.equal(next('R/2026-03-27T02:30:00/P1D'), '2026-03-29T01:00:00.000Z');
    assert.equal(
      iso(schedule('30 2 * * *', 'Europe/Berlin').next(at('2026-03-28T12:00:00Z'))),
      '2026-03-29T01:00:00.000Z',
    );
  });
});

describe('parseSchedule: messages', () => {
  const cases: [string, string][] = [
    ['', "'': the schedule is empty; write cron fields (30 2 * * *), @daily, every 5m, R/<start>/<duration> or 5min"],
    [
      '   ',
      "'': the schedule is empty; write cron fields (30 2 * * *), @daily, every 5m, R/<start>/<duration> or 5min",
    ],
    [
      'TZ=Europe/Berlin',
      "'TZ=Europe/Berlin': nothing follows the time zone; write cron fields (30 2 * * *), @daily, every 5m, R/<start>/<duration> or 5min",
    ],
    [
      '* * *',
      "'* * *': 3 fields is ambiguous; write 5 fields (minute hour day month weekday), or 1-2 for kopf shorthand",
    ],
    [
      '0 0 1 *',
      "'0 0 1 *': 4 fields is ambiguous; write 5 fields (minute hour day month weekday), or 1-2 for kopf shorthand",
    ],
    [
      '* * * * * * *',
      "'* * * * * * *': 7 fields is too many; write 5 fields (minute hour day month weekday), or 6 with seconds first",
    ],
    ['61 * * * *', "'61 * * * *': minute 61 is out of range 0-59"],
    ['0 24 * * *', "'0 24 * * *': hour 24 is out of range 0-23"],
    ['0 0 32 * *', "'0 0 32 * *': day of month 32 is out of range 1-31"],
    ['0 0 * 13 *', "'0 0 * 13 *': month 13 is out of range 1-12"],
    ['0 0 * * 8', "'0 0 * * 8': day of week 8 is out of range 0-7"],
    ['60 * * * * *', "'60 * * * * *': second 60 is out of range 0-59"],
    ['0 1-30 * * *', "'0 1-30 * * *': hour range 1-30 is out of range 0-23"],
    ['5-2 * * * *', "'5-2 * * * *': minute range 5-2 runs backwards"],
    ['*/0 * * * *', "'*/0 * * * *': minute '*/0': a step must be at least 1"],
    ['x * * * *', "'x * * * *': minute 'x' is not a number, name, range (1-5), step (*/15) or list (1,15)"],
    ['1,1 * * * *', "'1,1 * * * *': minute 1 is listed twice in '1,1'"],
    ['0 0 31 4 *', "'0 0 31 4 *': day of month 31 never occurs in month 4"],
    ['0 0 * * L', "'0 0 * * L': day of week 'L' needs a weekday before it (5L is the last Friday of the month)"],
    ['61', "'61': minute 61 is out of range 0-59"],
    [
      '@often',
      "'@often': unknown alias @often (known: @hourly @daily @midnight @weekly @monthly @yearly @annually @reboot)",
    ],
    [
      '2026-01-01T00:00:00Z/P1D',
      "'2026-01-01T00:00:00Z/P1D': an ISO 8601 schedule needs the repeating form R[n]/<start>/<duration>, e.g. R/2026-01-01T00:00:00/PT1H",
    ],
    [
      'PT1H',
      "'PT1H': an ISO 8601 schedule needs the repeating form R[n]/<start>/<duration>, e.g. R/2026-01-01T00:00:00/PT1H",
    ],
    ['every 0m', "'every 0m': the interval must be greater than zero"],
    ['1day at2460', "'1day at2460': 'at2460' is not a time of day (HH 00-23, MM 00-59)"],
    ['1hour at0030 extra', "'1hour at0030 extra': expected Nmin, Nhour, Nday or Nweek, then optionally atHHMM"],
  ];
  for (const [text, error] of cases) {
    it(`'${text}' -> ${error}`, () => assert.equal(errorOf(text), error));
  }

  it('quotes the expression without its TZ prefix', () => {
    assert.equal(errorOf('TZ=Europe/Berlin 61 * * * *'), "'61 * * * *': minute 61 is out of range 0-59");
  });
});

describe('parseSchedule: next() on odd input', () => {
  it('returns undefined for a non-finite instant instead of looping', () => {
    for (const text of ['30 2 * * *', '*/5 * * * *', 'every 5m', '1day at0230', 'R/2026-01-01T00:00:00/P1D']) {
      assert.equal(schedule(text, 'Europe/Berlin').next(Number.NaN), undefined, text);
    }
  });
});
