import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_JITTER_SLOTS_EXAMINED, withJitter } from '../../src/schedule/jittered-schedule.ts';
import type { Schedule } from '../../src/schedule/schedule.ts';
import {
  DAY_MS,
  HOUR_MS,
  TRANSITIONS,
  firingsBetween,
  iso,
  localDates,
  localTime,
  schedule,
} from './firing-helpers.ts';

const at = (text: string) => Date.parse(text);
const MINUTE_MS = 60_000;

/** Each firing lies less than `jitterMs` after some slot of the inner schedule. */
function assertEachFiringIsASlotPlusOffset(inner: Schedule, firings: readonly number[], jitterMs: number): void {
  for (const f of firings) {
    const slot = inner.next(f - jitterMs);
    assert.ok(slot !== undefined && slot <= f, `${iso(f)} is not within ${jitterMs} ms after a slot`);
  }
}

describe('withJitter: deterministic randomized delay', () => {
  const from = at('2026-06-01T00:00:00Z');
  const to = at('2026-06-08T00:00:00Z');

  it('gives the same instants for the same schedule, jitter and seed (as after a restart)', () => {
    const a = firingsBetween(withJitter(schedule('0 * * * *', 'UTC'), 10 * MINUTE_MS, 'backup'), from, to);
    const b = firingsBetween(withJitter(schedule('0 * * * *', 'UTC'), 10 * MINUTE_MS, 'backup'), from, to);
    assert.deepEqual(a, b);
    assert.equal(a.length, 7 * 24);
  });

  it('delays each slot by [0, jitter): every firing within jitter after its own slot, one per slot', () => {
    const jitterMs = 10 * MINUTE_MS;
    const firings = firingsBetween(withJitter(schedule('0 * * * *', 'UTC'), jitterMs, 'backup'), from, to);
    for (const f of firings) {
      const delay = f % HOUR_MS;
      assert.ok(delay >= 0 && delay < jitterMs, `${iso(f)}: delay ${delay} ms`);
    }
    const hours = new Set(firings.map((f) => Math.floor(f / HOUR_MS)));
    assert.equal(hours.size, firings.length);
    // The delays actually vary: a hash, not a constant.
    assert.ok(new Set(firings.map((f) => f % HOUR_MS)).size > 100);
  });

  it('spreads different seeds apart on the same expression', () => {
    const a = firingsBetween(withJitter(schedule('30 2 * * *', 'UTC'), HOUR_MS, 'job-a'), from, to);
    const b = firingsBetween(withJitter(schedule('30 2 * * *', 'UTC'), HOUR_MS, 'job-b'), from, to);
    assert.equal(a.length, 7);
    assert.equal(b.length, 7);
    assert.ok(a.every((f, i) => f !== b[i]));
  });

  it('keeps the chain strictly increasing with no instant twice when jitter exceeds the slot spacing', () => {
    // Every minute with up to 10 minutes of delay: shifted slots reorder; the chain is their sorted union.
    const inner = schedule('* * * * *', 'UTC');
    const jitterMs = 10 * MINUTE_MS;
    const jittered = withJitter(inner, jitterMs, 'busy');
    const firings = firingsBetween(jittered, from, from + 6 * HOUR_MS); // firingsBetween asserts strictly increasing
    assert.equal(new Set(firings).size, firings.length);
    assertEachFiringIsASlotPlusOffset(inner, firings, jitterMs);
    // Brute force: every slot from 10 minutes before the window, shifted, then sorted, is exactly the chain.
    const expected: number[] = [];
    for (let slot = from - jitterMs; slot <= from + 6 * HOUR_MS; slot += MINUTE_MS) {
      const shifted = withJitter(fixedSlot(slot), jitterMs, 'busy').next(slot - 1) ?? 0;
      if (shifted > from && shifted <= from + 6 * HOUR_MS) expected.push(shifted);
    }
    expected.sort((x, y) => x - y);
    assert.deepEqual(firings, expected);
    // Nothing lost: about one firing per minute (the window edges move a few in or out).
    assert.ok(Math.abs(firings.length - 360) <= 10, `${firings.length} firings in 6 hours`);
  });

  it('answers from any instant, also between and inside shifted slots, with the next shifted slot', () => {
    const jittered = withJitter(schedule('*/5 * * * *', 'UTC'), 20 * MINUTE_MS, 'probe');
    const firings = firingsBetween(jittered, from, from + 2 * HOUR_MS);
    for (let i = 1; i < firings.length; i++) {
      const previous = firings[i - 1] ?? 0;
      const current = firings[i] ?? 0;
      assert.equal(jittered.next(previous), current);
      if (current - previous > 1) assert.equal(jittered.next(Math.floor((previous + current) / 2)), current);
    }
  });

  it('keeps the kind, expression and zone, and says so in describe()', () => {
    const inner = schedule('30 2 * * *', 'Europe/Berlin');
    const jittered = withJitter(inner, 15 * MINUTE_MS, 'x');
    assert.equal(jittered.kind, 'cron');
    assert.equal(jittered.expression, '30 2 * * *');
    assert.equal(jittered.timezone, 'Europe/Berlin');
    assert.equal(jittered.describe(), 'at 02:30 every day (Europe/Berlin) plus up to 15 minutes of random delay');
    assert.equal(
      withJitter(schedule('every 1h', 'UTC'), HOUR_MS, 'x').describe(),
      'every hour plus up to 1 hour of random delay',
    );
    assert.equal(
      withJitter(schedule('every 1h', 'UTC'), 90_000, 'x').describe(),
      'every hour plus up to 90 seconds of random delay',
    );
  });

  it('returns the schedule itself for no jitter, and undefined when the inner schedule has no more slots', () => {
    const inner = schedule('0 * * * *', 'UTC');
    assert.equal(withJitter(inner, 0, 'x'), inner);
    assert.equal(withJitter(inner, Number.NaN, 'x'), inner);
    assert.equal(withJitter(schedule('@reboot', 'UTC'), HOUR_MS, 'x').next(from), undefined);
    const twice = withJitter(schedule('R2/2026-06-01T00:00:00Z/PT1H', 'UTC'), 10 * MINUTE_MS, 'x');
    const firings = firingsBetween(twice, from - DAY_MS, from + DAY_MS);
    assert.equal(firings.length, 2);
    assert.equal(twice.next(firings[1] ?? 0), undefined);
  });

  it('shifts DST-aware slots: a fixed-time job around the Berlin spring gap still fires once per local day', () => {
    const { zone, at: transition } = TRANSITIONS.berlinSpring;
    const firings = firingsBetween(
      withJitter(schedule('30 2 * * *', zone), 20 * MINUTE_MS, 'x'),
      transition - 3 * DAY_MS,
      transition + 3 * DAY_MS,
    );
    const days = firings.map((f) => localTime(zone, f).date);
    assert.deepEqual(days, localDates('2026-03-26', '2026-04-01'));
    const gapDay = firings[3] ?? 0; // the gap slot fires at 03:00 CEST (01:00Z), then its delay
    assert.ok(gapDay >= transition && gapDay < transition + 20 * MINUTE_MS, iso(gapDay));
  });

  it('bounds the work per call and still moves forward when the jitter spans more slots than the cap', () => {
    const inner = schedule('*/1 * * * * *', 'UTC'); // every second
    const jitterMs = (MAX_JITTER_SLOTS_EXAMINED + 5_000) * 1000;
    const jittered = withJitter(inner, jitterMs, 'huge');
    let previous = from;
    for (let i = 0; i < 3; i++) {
      const next = jittered.next(previous);
      assert.ok(next !== undefined && next > previous, `call ${i}: ${iso(next)} after ${iso(previous)}`);
      previous = next;
    }
  });
});

/** A schedule with one slot, to shift a single slot through the same code path. */
function fixedSlot(slotMs: number): Schedule {
  return {
    kind: 'cron',
    expression: 'one slot',
    timezone: 'UTC',
    next: (afterMs) => (afterMs < slotMs ? slotMs : undefined),
    describe: () => 'one slot',
  };
}
