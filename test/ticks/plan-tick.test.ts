import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCron } from '../../src/schedule/cron-schedule.ts';
import type { Schedule } from '../../src/schedule/schedule.ts';
import { planTick } from '../../src/ticks/plan-tick.ts';

const at = (iso: string): number => Date.parse(iso);

function cron(expression: string, zone = 'UTC'): Schedule {
  const parsed = parseCron(expression, zone);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.schedule;
}

describe('planTick', () => {
  const everyMinute = cron('* * * * *');

  it('publishes the instant the timer was armed for when it wakes on time, early, or less than a period late', () => {
    for (const now of ['2026-11-23T14:05:00Z', '2026-11-23T14:04:59.800Z', '2026-11-23T14:05:59.999Z']) {
      assert.deepEqual(planTick(everyMinute, at('2026-11-23T14:05:00Z'), at(now)), {
        tickAt: at('2026-11-23T14:05:00Z'),
      });
    }
  });

  it('publishes only the latest instant due when more than one period late, and counts the skipped ones', () => {
    assert.deepEqual(planTick(everyMinute, at('2026-11-23T14:05:00Z'), at('2026-11-23T14:06:00Z')), {
      tickAt: at('2026-11-23T14:06:00Z'),
      skipped: { count: 1, countIsLowerBound: false, firstAt: at('2026-11-23T14:05:00Z') },
    });
    assert.deepEqual(planTick(cron('0 * * * *'), at('2026-11-23T10:00:00Z'), at('2026-11-23T13:59:00Z')), {
      tickAt: at('2026-11-23T13:00:00Z'),
      skipped: { count: 3, countIsLowerBound: false, firstAt: at('2026-11-23T10:00:00Z') },
    });
  });

  it('stops counting after 100,000 skipped ticks and still finds the latest one due', () => {
    const plan = planTick(cron('* * * * * *'), at('2026-11-23T00:00:00Z'), at('2026-12-23T07:08:09.500Z'));
    assert.equal(new Date(plan.tickAt).toISOString(), '2026-12-23T07:08:09.000Z');
    assert.deepEqual(plan.skipped, { count: 100_000, countIsLowerBound: true, firstAt: at('2026-11-23T00:00:00Z') });
  });

  it('counts exactly when the 100,000th skipped tick is the last one before the latest due', () => {
    const plan = planTick(cron('* * * * * *'), at('2026-11-23T00:00:00Z'), at('2026-11-24T03:46:40Z'));
    assert.deepEqual(plan, {
      tickAt: at('2026-11-24T03:46:40Z'),
      skipped: { count: 100_000, countIsLowerBound: false, firstAt: at('2026-11-23T00:00:00Z') },
    });
  });

  it('finds the latest instant due past the counting limit for a sparse expression (09:xx on weekdays)', () => {
    const weekdayMornings = cron('* 9 * * 1-5', 'Europe/Berlin');
    const plan = planTick(weekdayMornings, at('2020-01-01T08:00:00Z'), at('2026-11-28T12:00:00Z')); // a Saturday
    assert.equal(new Date(plan.tickAt).toISOString(), '2026-11-27T08:59:00.000Z'); // Friday 09:59 CET
    assert.equal(plan.skipped?.countIsLowerBound, true);
  });

  it('keeps the instant it was armed for when the schedule has no later one', () => {
    const once: Pick<Schedule, 'next'> = { next: () => undefined };
    assert.deepEqual(planTick(once, at('2026-11-23T14:05:00Z'), at('2026-11-30T00:00:00Z')), {
      tickAt: at('2026-11-23T14:05:00Z'),
    });
  });
});
