import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCron } from '../../src/schedule/cron-schedule.ts';
import {
  DAY_MS,
  TRANSITIONS,
  assertEvenlySpaced,
  firingsBetween,
  iso,
  localTime,
  mustParse,
} from './firing-helpers.ts';

const cron = (expression: string, zone: string, dstGap?: 'run_after' | 'skip') =>
  mustParse(parseCron(expression, zone, { dstGap }));
const at = (text: string) => Date.parse(text);

describe('cron: fixed-time jobs across daylight saving (cronie rules)', () => {
  // Once per local day around each transition, under both dst_gap policies: the table in dst-table.test.ts.
  it('never returns the repeated slot again when asked from inside the repeated hour', () => {
    const s = cron('30 2 * * *', 'Europe/Berlin');
    assert.equal(iso(s.next(at('2026-10-25T00:15:00Z'))), '2026-10-25T00:30:00.000Z'); // first pass, before the slot
    assert.equal(iso(s.next(at('2026-10-25T00:45:00Z'))), '2026-10-26T01:30:00.000Z'); // first pass, after it
    assert.equal(iso(s.next(at('2026-10-25T01:15:00Z'))), '2026-10-26T01:30:00.000Z'); // second pass, 02:15 CET
    assert.equal(iso(s.next(at('2026-10-25T01:45:00Z'))), '2026-10-26T01:30:00.000Z'); // second pass, 02:45 CET
    const ny = cron('30 1 * * *', 'America/New_York');
    assert.equal(iso(ny.next(at('2026-11-01T06:10:00Z'))), '2026-11-02T06:30:00.000Z'); // 01:10 EST, second pass
  });

  it('returns the instant strictly after a firing, also for the right-after-the-gap instant', () => {
    const s = cron('30 2 * * *', 'Europe/Berlin');
    assert.equal(iso(s.next(at('2026-03-28T01:30:00Z'))), '2026-03-29T01:00:00.000Z');
    assert.equal(iso(s.next(at('2026-03-29T01:00:00Z'))), '2026-03-30T00:30:00.000Z');
    assert.equal(iso(s.next(at('2026-03-29T00:59:59.999Z'))), '2026-03-29T01:00:00.000Z');
  });

  it('collapses several slots in the gap into one run right after it (0,30 1-4 in Berlin)', () => {
    const s = cron('0,30 1-4 * * *', 'Europe/Berlin');
    const firings = firingsBetween(s, at('2026-03-28T23:00:00Z'), at('2026-03-29T03:00:00Z')).map(
      (f) => localTime('Europe/Berlin', f).time,
    );
    assert.deepEqual(firings, ['01:00:00', '01:30:00', '03:00:00', '03:30:00', '04:00:00', '04:30:00']);
  });
});

describe('cron: dst_gap for fixed-time slots in the spring-forward gap', () => {
  it('run_after (the default) fires once right after the gap; skip does not run that day (Berlin 02:30)', () => {
    const afterDayBefore = at('2026-03-28T01:30:00Z'); // 02:30 CET on the 28th
    assert.equal(iso(cron('30 2 * * *', 'Europe/Berlin').next(afterDayBefore)), '2026-03-29T01:00:00.000Z');
    assert.equal(
      iso(cron('30 2 * * *', 'Europe/Berlin', 'run_after').next(afterDayBefore)),
      '2026-03-29T01:00:00.000Z',
    );
    assert.equal(iso(cron('30 2 * * *', 'Europe/Berlin', 'skip').next(afterDayBefore)), '2026-03-30T00:30:00.000Z');
  });

  it('skip: asked from the last second before the transition or at it, the next firing is the next day', () => {
    const s = cron('30 2 * * *', 'America/New_York', 'skip');
    assert.equal(iso(s.next(at('2026-03-08T06:59:59Z'))), '2026-03-09T06:30:00.000Z');
    assert.equal(iso(s.next(at('2026-03-08T07:00:00Z'))), '2026-03-09T06:30:00.000Z');
  });

  it('skip drops each gap slot but keeps the slots around it (0,30 1-3 in Berlin)', () => {
    const from = at('2026-03-28T23:00:00Z');
    const to = at('2026-03-29T03:00:00Z');
    const local = (dstGap: 'run_after' | 'skip') =>
      firingsBetween(cron('0,30 1-3 * * *', 'Europe/Berlin', dstGap), from, to).map(
        (f) => localTime('Europe/Berlin', f).time,
      );
    // run_after: 02:00 and 02:30 both run at 03:00 CEST, together with the 03:00 slot, as one firing.
    assert.deepEqual(local('run_after'), ['01:00:00', '01:30:00', '03:00:00', '03:30:00']);
    // skip: 02:00 and 02:30 are dropped; the 03:00 slot is not in the gap and runs.
    assert.deepEqual(local('skip'), ['01:00:00', '01:30:00', '03:00:00', '03:30:00']);
    const gapOnly = (dstGap: 'run_after' | 'skip') =>
      firingsBetween(cron('0,30 1-2 * * *', 'Europe/Berlin', dstGap), from, to).map(iso);
    assert.deepEqual(gapOnly('run_after'), [
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
    ]);
    assert.deepEqual(gapOnly('skip'), ['2026-03-29T00:00:00.000Z', '2026-03-29T00:30:00.000Z']);
  });

  it('skip leaves the repeated fall-back hour alone: the first pass only, as run_after', () => {
    const s = cron('30 2 * * *', 'Europe/Berlin', 'skip');
    assert.equal(iso(s.next(at('2026-10-24T12:00:00Z'))), '2026-10-25T00:30:00.000Z');
    assert.equal(iso(s.next(at('2026-10-25T00:30:00Z'))), '2026-10-26T01:30:00.000Z');
  });

  it('does not touch wildcard jobs: their gap slots do not exist under either policy', () => {
    for (const dstGap of ['run_after', 'skip'] as const) {
      // Minute wildcard with a fixed hour: cronie's wildcard job, so 02:xx simply never happens on 29 March.
      const s = cron('*/15 2 * * *', 'Europe/Berlin', dstGap);
      assert.equal(iso(s.next(at('2026-03-28T01:45:00Z'))), '2026-03-30T00:00:00.000Z', dstGap);
    }
  });
});

describe('cron: wildcard-hour jobs follow real elapsed time', () => {
  const cases = [
    {
      expression: '*/15 * * * *',
      stepMs: 15 * 60_000,
      check: (l: { minute: number; second: number }) => l.minute % 15 === 0 && l.second === 0,
    },
  ];
  for (const { expression, stepMs, check } of cases) {
    for (const [name, { zone, at: transition }] of Object.entries(TRANSITIONS)) {
      it(`'${expression}' around ${name}: evenly spaced in real time, each instant matches in local time`, () => {
        const firings = firingsBetween(cron(expression, zone), transition - 3 * DAY_MS, transition + 3 * DAY_MS);
        assertEvenlySpaced(firings, stepMs);
        assert.equal(firings.length, (6 * DAY_MS) / stepMs);
        for (const f of firings) assert.ok(check(localTime(zone, f)), `${iso(f)} does not match in ${zone}`);
      });
    }
  }

  it('continues in real time through the repeated hour when asked from inside it', () => {
    const s = cron('*/15 * * * *', 'America/New_York');
    assert.equal(iso(s.next(at('2026-11-01T06:05:00Z'))), '2026-11-01T06:15:00.000Z'); // 01:05 EST -> 01:15 EST
    assert.equal(iso(s.next(at('2026-11-01T05:50:00Z'))), '2026-11-01T06:00:00.000Z'); // 01:50 EDT -> 01:00 EST
  });

  for (const [name, { zone, at: transition }] of Object.entries(TRANSITIONS)) {
    it(`6-field every 10 seconds around ${name}: every 10 s of real time, local seconds on the grid`, () => {
      const firings = firingsBetween(cron('*/10 * * * * *', zone), transition - DAY_MS, transition + DAY_MS);
      assertEvenlySpaced(firings, 10_000);
      assert.equal(firings.length, (2 * DAY_MS) / 10_000);
      for (const f of firings) assert.equal(localTime(zone, f).second % 10, 0);
    });
  }
});

describe('cron: fields and shapes', () => {
  it('reads kopf shorthand minute first: "0 17" is daily at 17:00, "5,35" is twice an hour', () => {
    const daily = cron('0 17', 'Europe/Berlin');
    assert.equal(iso(daily.next(at('2026-06-01T00:00:00Z'))), '2026-06-01T15:00:00.000Z');
    assert.equal(daily.describe(), 'at 17:00 every day (Europe/Berlin)');
    const twice = cron('5,35', 'UTC');
    assert.deepEqual(firingsBetween(twice, at('2026-06-01T00:00:00Z'), at('2026-06-01T01:10:00Z')).map(iso), [
      '2026-06-01T00:05:00.000Z',
      '2026-06-01T00:35:00.000Z',
      '2026-06-01T01:05:00.000Z',
    ]);
  });

  it('expands the @ aliases', () => {
    const from = at('2026-06-10T12:34:00Z');
    const expected: Record<string, string> = {
      '@hourly': '2026-06-10T13:00:00.000Z',
      '@daily': '2026-06-11T00:00:00.000Z',
      '@midnight': '2026-06-11T00:00:00.000Z',
      '@weekly': '2026-06-14T00:00:00.000Z',
      '@monthly': '2026-07-01T00:00:00.000Z',
      '@yearly': '2027-01-01T00:00:00.000Z',
      '@annually': '2027-01-01T00:00:00.000Z',
    };
    for (const [alias, next] of Object.entries(expected)) assert.equal(iso(cron(alias, 'UTC').next(from)), next, alias);
  });

  it('supports L, nth weekday and last weekday of the month', () => {
    assert.equal(iso(cron('0 0 L 2 *', 'UTC').next(at('2028-01-01T00:00:00Z'))), '2028-02-29T00:00:00.000Z');
    assert.equal(iso(cron('0 0 * * 5#2', 'UTC').next(at('2026-01-01T00:00:00Z'))), '2026-01-09T00:00:00.000Z');
    assert.equal(iso(cron('0 0 * * 5L', 'UTC').next(at('2026-01-01T00:00:00Z'))), '2026-01-30T00:00:00.000Z');
    assert.equal(iso(cron('0 0 29 2 *', 'UTC').next(at('2026-01-01T00:00:00Z'))), '2028-02-29T00:00:00.000Z');
  });

  it('treats two restricted day fields as either-or, and a *-day field as both-must-match (cronie)', () => {
    // 2026-06-01 is a Monday; the 13th is a Saturday.
    assert.equal(iso(cron('0 0 13 * 1', 'UTC').next(at('2026-06-01T00:00:00Z'))), '2026-06-08T00:00:00.000Z');
    assert.equal(iso(cron('0 0 */2 * 1', 'UTC').next(at('2026-06-01T00:00:00Z'))), '2026-06-15T00:00:00.000Z');
  });

  it('reads 6 fields with seconds first', () => {
    const s = cron('15 30 2 * * *', 'Europe/Berlin');
    assert.equal(iso(s.next(at('2026-06-01T00:00:00Z'))), '2026-06-01T00:30:15.000Z');
  });

  it('gives sane Sao Paulo times (no DST since 2019: always UTC-3)', () => {
    const firings = firingsBetween(
      cron('30 2 * * *', 'America/Sao_Paulo'),
      at('2026-10-30T00:00:00Z'),
      at('2026-11-05T00:00:00Z'),
    );
    assert.deepEqual(
      firings.map((f) => new Date(f).toISOString().slice(11)),
      Array(6).fill('05:30:00.000Z'),
    );
  });

  it('hashes H values only with a seed, the same way every time', () => {
    assert.deepEqual(parseCron('H 2 * * *', 'UTC'), {
      ok: false,
      error: "'H 2 * * *': H (hashed) values need a job name to hash, which is not known here",
    });
    const a = mustParse(parseCron('H 2 * * *', 'UTC', { hashSeed: 'backup' }));
    const b = mustParse(parseCron('H 2 * * *', 'UTC', { hashSeed: 'backup' }));
    const from = at('2026-06-01T00:00:00Z');
    assert.equal(a.next(from), b.next(from));
    assert.equal(localTime('UTC', a.next(from) ?? 0).hour, 2);
  });
});

describe('cron: describe()', () => {
  const cases: [string, string, string][] = [
    ['*/5 * * * *', 'UTC', 'every 5 minutes'],
    ['* * * * *', 'UTC', 'every minute'],
    ['0 * * * *', 'UTC', 'at minute 0 of every hour'],
    ['@hourly', 'UTC', 'at minute 0 of every hour'],
    ['30 2 * * *', 'Europe/Berlin', 'at 02:30 every day (Europe/Berlin)'],
    ['0 9 * * 1', 'Europe/Berlin', 'at 09:00 every Monday (Europe/Berlin)'],
    ['0 9 * * 1-5', 'UTC', 'at 09:00 on Monday to Friday (UTC)'],
    ['0 9 * * MON,WED,FRI', 'UTC', 'at 09:00 on Monday, Wednesday and Friday (UTC)'],
    ['0 0 1 * *', 'UTC', 'at 00:00 on day 1 of every month (UTC)'],
    ['0 8,20 * * *', 'UTC', 'at 08:00 and 20:00 every day (UTC)'],
    ['15 */2 * * *', 'UTC', 'at minute 15 of every 2 hours (UTC)'],
    ['*/30 * * * * *', 'UTC', 'every 30 seconds'],
    ['0 0 * * 5#2', 'Europe/Berlin', "cron '0 0 * * 5#2' (Europe/Berlin)"],
  ];
  for (const [expression, zone, words] of cases) {
    it(`${expression} -> ${words}`, () => assert.equal(cron(expression, zone).describe(), words));
  }
});
