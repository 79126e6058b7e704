// The DST table of issue 4: the 2026 spring-forward and fall-back transitions of Europe/Berlin and America/New_York,
// for fixed-time, hourly and interval jobs, under dst_gap = run_after and skip. Each row walks next() over three days
// either side of the transition and checks invariants, per-day counts and the literal instants around it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedule } from '../../src/schedule/parse-schedule.ts';
import {
  DAY_MS,
  HOUR_MS,
  TRANSITIONS,
  assertEvenlySpaced,
  countPerLocalDay,
  firingsBetween,
  localDates,
  localStamp,
  localTime,
  mustParse,
} from './firing-helpers.ts';

type TransitionName = keyof typeof TRANSITIONS;
type DstGap = 'run_after' | 'skip';

/** Fixed-time rows fire once per local slot; elapsed rows fire every real `stepMs`, whatever the local clock does. */
type RowKind = { fixedTime: string } | { stepMs: number };

interface DstRow {
  transition: TransitionName;
  text: string;
  kind: RowKind;
  /** Firings on an ordinary local day, and on the transition day under each policy. */
  perDay: number;
  onTransitionDay: Record<DstGap, number>;
  /** Local stamps of the firings near the transition: 30 h either side for fixed-time rows, 2 h for the others. */
  around: Record<DstGap, readonly string[]>;
}

const same = (stamps: readonly string[]): Record<DstGap, readonly string[]> => ({ run_after: stamps, skip: stamps });
const both = (count: number): Record<DstGap, number> => ({ run_after: count, skip: count });

const ROWS: readonly DstRow[] = [
  // Europe/Berlin, 29 March: 02:00 CET -> 03:00 CEST.
  {
    transition: 'berlinSpring',
    text: '30 2 * * *',
    kind: { fixedTime: '02:30' },
    perDay: 1,
    onTransitionDay: { run_after: 1, skip: 0 },
    around: {
      run_after: ['2026-03-28 02:30 +01:00', '2026-03-29 03:00 +02:00', '2026-03-30 02:30 +02:00'],
      skip: ['2026-03-28 02:30 +01:00', '2026-03-30 02:30 +02:00'],
    },
  },
  {
    transition: 'berlinSpring',
    text: '0 * * * *',
    kind: { stepMs: HOUR_MS },
    perDay: 24,
    onTransitionDay: both(23),
    around: same([
      '2026-03-29 01:00 +01:00',
      '2026-03-29 03:00 +02:00',
      '2026-03-29 04:00 +02:00',
      '2026-03-29 05:00 +02:00',
    ]),
  },
  {
    transition: 'berlinSpring',
    text: '30 * * * *',
    kind: { stepMs: HOUR_MS },
    perDay: 24,
    onTransitionDay: both(23),
    around: same([
      '2026-03-29 00:30 +01:00',
      '2026-03-29 01:30 +01:00',
      '2026-03-29 03:30 +02:00',
      '2026-03-29 04:30 +02:00',
    ]),
  },
  {
    transition: 'berlinSpring',
    text: 'every 30m',
    kind: { stepMs: HOUR_MS / 2 },
    perDay: 48,
    onTransitionDay: both(46),
    around: same([
      '2026-03-29 00:30 +01:00',
      '2026-03-29 01:00 +01:00',
      '2026-03-29 01:30 +01:00',
      '2026-03-29 03:00 +02:00',
      '2026-03-29 03:30 +02:00',
      '2026-03-29 04:00 +02:00',
      '2026-03-29 04:30 +02:00',
      '2026-03-29 05:00 +02:00',
    ]),
  },
  {
    transition: 'berlinSpring',
    text: 'every 1h',
    kind: { stepMs: HOUR_MS },
    perDay: 24,
    onTransitionDay: both(23),
    around: same([
      '2026-03-29 01:00 +01:00',
      '2026-03-29 03:00 +02:00',
      '2026-03-29 04:00 +02:00',
      '2026-03-29 05:00 +02:00',
    ]),
  },
  // Europe/Berlin, 25 October: 03:00 CEST -> 02:00 CET; 02:30 happens twice and the fixed-time job runs on the first.
  {
    transition: 'berlinFall',
    text: '30 2 * * *',
    kind: { fixedTime: '02:30' },
    perDay: 1,
    onTransitionDay: both(1),
    around: same(['2026-10-24 02:30 +02:00', '2026-10-25 02:30 +02:00', '2026-10-26 02:30 +01:00']),
  },
  {
    transition: 'berlinFall',
    text: '0 * * * *',
    kind: { stepMs: HOUR_MS },
    perDay: 24,
    onTransitionDay: both(25),
    around: same([
      '2026-10-25 02:00 +02:00',
      '2026-10-25 02:00 +01:00',
      '2026-10-25 03:00 +01:00',
      '2026-10-25 04:00 +01:00',
    ]),
  },
  {
    transition: 'berlinFall',
    text: '30 * * * *',
    kind: { stepMs: HOUR_MS },
    perDay: 24,
    onTransitionDay: both(25),
    around: same([
      '2026-10-25 01:30 +02:00',
      '2026-10-25 02:30 +02:00',
      '2026-10-25 02:30 +01:00',
      '2026-10-25 03:30 +01:00',
    ]),
  },
  {
    transition: 'berlinFall',
    text: 'every 30m',
    kind: { stepMs: HOUR_MS / 2 },
    perDay: 48,
    onTransitionDay: both(50),
    around: same([
      '2026-10-25 01:30 +02:00',
      '2026-10-25 02:00 +02:00',
      '2026-10-25 02:30 +02:00',
      '2026-10-25 02:00 +01:00',
      '2026-10-25 02:30 +01:00',
      '2026-10-25 03:00 +01:00',
      '2026-10-25 03:30 +01:00',
      '2026-10-25 04:00 +01:00',
    ]),
  },
  {
    transition: 'berlinFall',
    text: 'every 1h',
    kind: { stepMs: HOUR_MS },
    perDay: 24,
    onTransitionDay: both(25),
    around: same([
      '2026-10-25 02:00 +02:00',
      '2026-10-25 02:00 +01:00',
      '2026-10-25 03:00 +01:00',
      '2026-10-25 04:00 +01:00',
    ]),
  },
  // America/New_York, 8 March: 02:00 EST -> 03:00 EDT.
  {
    transition: 'newYorkSpring',
    text: '30 2 * * *',
    kind: { fixedTime: '02:30' },
    perDay: 1,
    onTransitionDay: { run_after: 1, skip: 0 },
    around: {
      run_after: ['2026-03-07 02:30 -05:00', '2026-03-08 03:00 -04:00', '2026-03-09 02:30 -04:00'],
      skip: ['2026-03-07 02:30 -05:00', '2026-03-09 02:30 -04:00'],
    },
  },
  {
    transition: 'newYorkSpring',
    text: '0 * * * *',
    kind: { stepMs: HOUR_MS },
    perDay: 24,
    onTransitionDay: both(23),
    around: same([
      '2026-03-08 01:00 -05:00',
      '2026-03-08 03:00 -04:00',
      '2026-03-08 04:00 -04:00',
      '2026-03-08 05:00 -04:00',
    ]),
  },
  {
    transition: 'newYorkSpring',
    text: '30 * * * *',
    kind: { stepMs: HOUR_MS },
    perDay: 24,
    onTransitionDay: both(23),
    around: same([
      '2026-03-08 00:30 -05:00',
      '2026-03-08 01:30 -05:00',
      '2026-03-08 03:30 -04:00',
      '2026-03-08 04:30 -04:00',
    ]),
  },
  {
    transition: 'newYorkSpring',
    text: 'every 30m',
    kind: { stepMs: HOUR_MS / 2 },
    perDay: 48,
    onTransitionDay: both(46),
    around: same([
      '2026-03-08 00:30 -05:00',
      '2026-03-08 01:00 -05:00',
      '2026-03-08 01:30 -05:00',
      '2026-03-08 03:00 -04:00',
      '2026-03-08 03:30 -04:00',
      '2026-03-08 04:00 -04:00',
      '2026-03-08 04:30 -04:00',
      '2026-03-08 05:00 -04:00',
    ]),
  },
  {
    transition: 'newYorkSpring',
    text: 'every 1h',
    kind: { stepMs: HOUR_MS },
    perDay: 24,
    onTransitionDay: both(23),
    around: same([
      '2026-03-08 01:00 -05:00',
      '2026-03-08 03:00 -04:00',
      '2026-03-08 04:00 -04:00',
      '2026-03-08 05:00 -04:00',
    ]),
  },
  // America/New_York, 1 November: 02:00 EDT -> 01:00 EST. 02:30 is not repeated there; 01:30 is.
  {
    transition: 'newYorkFall',
    text: '30 2 * * *',
    kind: { fixedTime: '02:30' },
    perDay: 1,
    onTransitionDay: both(1),
    around: same(['2026-10-31 02:30 -04:00', '2026-11-01 02:30 -05:00', '2026-11-02 02:30 -05:00']),
  },
  {
    transition: 'newYorkFall',
    text: '30 1 * * *',
    kind: { fixedTime: '01:30' },
    perDay: 1,
    onTransitionDay: both(1),
    around: same(['2026-10-31 01:30 -04:00', '2026-11-01 01:30 -04:00', '2026-11-02 01:30 -05:00']),
  },
  {
    transition: 'newYorkFall',
    text: '0 * * * *',
    kind: { stepMs: HOUR_MS },
    perDay: 24,
    onTransitionDay: both(25),
    around: same([
      '2026-11-01 01:00 -04:00',
      '2026-11-01 01:00 -05:00',
      '2026-11-01 02:00 -05:00',
      '2026-11-01 03:00 -05:00',
    ]),
  },
  {
    transition: 'newYorkFall',
    text: '30 * * * *',
    kind: { stepMs: HOUR_MS },
    perDay: 24,
    onTransitionDay: both(25),
    around: same([
      '2026-11-01 00:30 -04:00',
      '2026-11-01 01:30 -04:00',
      '2026-11-01 01:30 -05:00',
      '2026-11-01 02:30 -05:00',
    ]),
  },
  {
    transition: 'newYorkFall',
    text: 'every 30m',
    kind: { stepMs: HOUR_MS / 2 },
    perDay: 48,
    onTransitionDay: both(50),
    around: same([
      '2026-11-01 00:30 -04:00',
      '2026-11-01 01:00 -04:00',
      '2026-11-01 01:30 -04:00',
      '2026-11-01 01:00 -05:00',
      '2026-11-01 01:30 -05:00',
      '2026-11-01 02:00 -05:00',
      '2026-11-01 02:30 -05:00',
      '2026-11-01 03:00 -05:00',
    ]),
  },
  {
    transition: 'newYorkFall',
    text: 'every 1h',
    kind: { stepMs: HOUR_MS },
    perDay: 24,
    onTransitionDay: both(25),
    around: same([
      '2026-11-01 01:00 -04:00',
      '2026-11-01 01:00 -05:00',
      '2026-11-01 02:00 -05:00',
      '2026-11-01 03:00 -05:00',
    ]),
  },
];

describe('DST table: Berlin and New York 2026, fixed-time, hourly and interval jobs, both dst_gap policies', () => {
  for (const row of ROWS) {
    for (const dstGap of ['run_after', 'skip'] as const) {
      const { zone, at: transition } = TRANSITIONS[row.transition];
      it(`${row.transition} '${row.text}' dst_gap=${dstGap}`, () => {
        const s = mustParse(parseSchedule(row.text, zone, { dstGap }));
        // firingsBetween asserts strictly increasing.
        const firings = firingsBetween(s, transition - 3 * DAY_MS, transition + 3 * DAY_MS);
        const stamps = firings.map((f) => localStamp(zone, f));
        assert.equal(new Set(stamps).size, stamps.length, 'an instant twice');

        if ('fixedTime' in row.kind) {
          // No local slot twice, even in the repeated hour; each firing at the slot or right after the gap.
          const slots = firings.map((f) => `${localTime(zone, f).date} ${localTime(zone, f).time}`);
          assert.equal(new Set(slots).size, slots.length, 'a local slot twice');
          for (const f of firings) {
            const { time } = localTime(zone, f);
            const rightAfterGap = dstGap === 'run_after' && f === transition;
            assert.ok(time === `${row.kind.fixedTime}:00` || rightAfterGap, localStamp(zone, f));
          }
        } else {
          // Elapsed time: nothing lost, nothing doubled in real time.
          assertEvenlySpaced(firings, row.kind.stepMs);
          assert.equal(firings.length, (6 * DAY_MS) / row.kind.stepMs);
        }

        const transitionDay = localTime(zone, transition).date;
        const counts = countPerLocalDay(zone, firings);
        const firstFullDay = localTime(zone, transition - 2 * DAY_MS).date;
        const lastFullDay = localTime(zone, transition + 2 * DAY_MS).date;
        for (const day of localDates(firstFullDay, lastFullDay)) {
          const expected = day === transitionDay ? row.onTransitionDay[dstGap] : row.perDay;
          assert.equal(counts.get(day) ?? 0, expected, `firings on ${day}`);
        }

        const spanMs = 'fixedTime' in row.kind ? 30 * HOUR_MS : 2 * HOUR_MS;
        const near = firings.filter((f) => f > transition - spanMs && f <= transition + spanMs);
        assert.deepEqual(
          near.map((f) => localStamp(zone, f)),
          row.around[dstGap],
        );
      });
    }
  }
});
