import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CatchUpPolicy } from '../../src/jobs/job-options.ts';
import { planFirings } from '../../src/scheduler/plan-firings.ts';
import { argsForSlot } from '../../src/scheduler/slot-args.ts';
import type { ServiceState } from '../../src/state/job-state.ts';
import { iso, policyJob, schedulerHarness, t } from './run-harness.ts';

describe('rule 4: kopf timing', () => {
  const periodic = (options: Parameters<typeof policyJob>[2], runMs: number, random?: number[]) => {
    const h = schedulerHarness('2026-01-01T00:00:00Z', { runMs, ...(random ? { random } : {}) });
    h.scheduler.addAtStartUp(policyJob('tick', [], options));
    h.scheduler.start();
    return h;
  };
  const minutes = (...list: string[]) => list.map((ms) => `2026-01-01T00:${ms}.000Z`);

  it('period: start to start; a 30 s run with period 60 s starts every 60 s', () => {
    const h = periodic({ periodMs: 60_000 }, 30_000);
    h.clock.advance(3 * 60_000 + 59_000);
    assert.deepEqual(h.startsOf('tick'), minutes('00:00', '01:00', '02:00', '03:00'));
    assert.ok(h.runs.every((r) => r.firing.reason === 'period'));
  });

  it('period: a run longer than the period is followed at once by the next, never overlapping', () => {
    const h = periodic({ periodMs: 60_000 }, 90_000);
    h.clock.advance(4 * 60_000);
    assert.deepEqual(h.startsOf('tick'), minutes('00:00', '01:30', '03:00'));
    assert.deepEqual(h.droppedWhileRunning, []);
  });

  it('pause: end to start; a 30 s run with pause 60 s starts every 90 s', () => {
    const h = periodic({ pauseMs: 60_000 }, 30_000);
    h.clock.advance(5 * 60_000);
    assert.deepEqual(h.startsOf('tick'), minutes('00:00', '01:30', '03:00', '04:30'));
  });

  it('period and pause: the later of both wins', () => {
    const byPause = periodic({ periodMs: 60_000, pauseMs: 45_000 }, 30_000);
    byPause.clock.advance(3 * 60_000);
    assert.deepEqual(byPause.startsOf('tick'), minutes('00:00', '01:15', '02:30'));
    const byPeriod = periodic({ periodMs: 60_000, pauseMs: 45_000 }, 10_000);
    byPeriod.clock.advance(3 * 60_000);
    assert.deepEqual(byPeriod.startsOf('tick'), minutes('00:00', '01:00', '02:00', '03:00'));
  });

  it('random: a fresh random fraction of `random` is added each round', () => {
    const h = periodic({ periodMs: 60_000, randomMs: 10_000 }, 1_000, [0.5, 0.25, 0.9, 0]);
    h.clock.advance(3 * 60_000 + 20_000);
    assert.deepEqual(h.startsOf('tick'), [
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:01:05.000Z',
      '2026-01-01T00:02:07.500Z',
      '2026-01-01T00:03:16.500Z',
    ]);
  });

  it('run_at_start = true runs a new period job at once; false waits one period (plus random) first', () => {
    const atStart = periodic({ periodMs: 60_000, runAtStart: true }, 1_000);
    assert.deepEqual(atStart.startsOf('tick'), ['2026-01-01T00:00:00.000Z']);
    const later = periodic({ periodMs: 60_000, runAtStart: false, randomMs: 10_000 }, 1_000, [0.1, 0.2]);
    later.clock.advance(60_999);
    assert.deepEqual(later.startsOf('tick'), []);
    later.clock.advance(1);
    assert.deepEqual(later.startsOf('tick'), ['2026-01-01T00:01:01.000Z']);
  });

  const lastRun = { runId: 'r', scheduledAt: 0, startedAt: t('2026-01-01T00:00:00Z'), exitCode: 0, ok: true };
  const restarted = (at: string, catchUp: CatchUpPolicy) => {
    const initial: ServiceState = {
      version: 1,
      jobs: {
        tick: {
          failures: 0,
          knownSince: t('2025-12-31T00:00:00Z'),
          periodDueAt: t('2026-01-01T00:10:00Z'),
          lastRun: { ...lastRun, endedAt: t('2026-01-01T00:00:30Z') },
        },
      },
    };
    const h = schedulerHarness(at, { initial, runMs: 1_000 });
    h.scheduler.addAtStartUp(policyJob('tick', [], { periodMs: 600_000, catchUp }));
    h.scheduler.start();
    return h;
  };

  it('a period job keeps its due time across a restart: no run at start-up, one at the due time', () => {
    const h = restarted('2026-01-01T00:04:00Z', 'once');
    assert.deepEqual(h.startsOf('tick'), []);
    h.clock.advance(6 * 60_000);
    assert.deepEqual(h.startsOf('tick'), ['2026-01-01T00:10:00.000Z']);
  });

  it('a period job whose due time passed while the service was down runs at start-up (catch_up = once)', () => {
    const h = restarted('2026-01-01T02:00:00Z', 'once');
    assert.deepEqual(h.startsOf('tick'), ['2026-01-01T02:00:00.000Z']);
    h.clock.advance(11 * 60_000);
    assert.deepEqual(h.startsOf('tick'), ['2026-01-01T02:00:00.000Z', '2026-01-01T02:10:00.000Z']);
  });

  it('catch_up = skip: a period job does not run for a due time missed while down; one period from now', () => {
    const h = restarted('2026-01-01T02:00:00Z', 'skip');
    assert.deepEqual(h.startsOf('tick'), []);
    assert.deepEqual(h.skipped, [
      { job: 'tick', count: 1, latest: t('2026-01-01T00:10:00Z'), reason: 'missed (catch_up = skip)' },
    ]);
    h.clock.advance(10 * 60_000);
    assert.deepEqual(h.startsOf('tick'), ['2026-01-01T02:10:00.000Z']);
  });

  it('catch_up = skip still runs a period job that never ran', () => {
    const h = periodic({ periodMs: 60_000, catchUp: 'skip' }, 1_000);
    assert.deepEqual(h.startsOf('tick'), ['2026-01-01T00:00:00.000Z']);
  });
});

describe('rule 5: chaining with arguments ([cron] arguments per schedule)', () => {
  const job = {
    ...policyJob('report', ['0 * * * *', '0 */2 * * *', '30 * * * *']),
    scheduleArgs: [['--hourly'], ['--two-hourly', '--full'], []],
  };

  it('argsForSlot: a slot gets the arguments of each schedule that has it, in the order written', () => {
    assert.deepEqual(argsForSlot(job, t('2026-01-01T01:00:00Z')), ['--hourly']);
    assert.deepEqual(argsForSlot(job, t('2026-01-01T02:00:00Z')), ['--hourly', '--two-hourly', '--full']);
    assert.deepEqual(argsForSlot(job, t('2026-01-01T02:30:00Z')), []);
  });

  it('the scheduler fires each slot with its arguments', () => {
    const h = schedulerHarness('2026-01-01T00:59:00Z');
    h.scheduler.addAtStartUp(job);
    h.scheduler.start();
    h.clock.advance(62 * 60_000);
    assert.deepEqual(
      h.runs.map((r) => [iso(r.firing.scheduledAt), r.firing.args]),
      [
        ['2026-01-01T01:00:00.000Z', ['--hourly']],
        ['2026-01-01T01:30:00.000Z', []],
        ['2026-01-01T02:00:00.000Z', ['--hourly', '--two-hourly', '--full']],
      ],
    );
  });

  it('a catch-up run carries the arguments of the slot it runs for', () => {
    const plan = planFirings(job, { failures: 0, lastSlotAt: t('2026-01-01T00:00:00Z') }, t('2026-01-01T02:10:00Z'), {
      running: false,
      startUp: true,
    });
    assert.equal(plan.fire?.scheduledAt, t('2026-01-01T02:00:00Z'));
    assert.deepEqual(plan.fire?.args, ['--hourly', '--two-hourly', '--full']);
  });
});
