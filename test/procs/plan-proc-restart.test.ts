import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PROC_CRASH_WINDOW_MS,
  PROC_MAX_RESTART_DELAY_MS,
  planProcRestart,
  type ProcRestartInput,
} from '../../src/procs/plan-proc-restart.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');

/** An exit `ranMs` after a start at T0. */
function exit(ranMs: number, crashes: number, idleMs = 10_000, more: Partial<ProcRestartInput> = {}) {
  return planProcRestart({ idleMs, startedAt: T0, endedAt: T0 + ranMs, crashes, ...more });
}

describe('rule 6, procs: planProcRestart (restart delay and crash-loop backoff)', () => {
  it('the window is 10 s and the cap 5 min by default', () => {
    assert.equal(PROC_CRASH_WINDOW_MS, 10_000);
    assert.equal(PROC_MAX_RESTART_DELAY_MS, 300_000);
  });

  it('a proc that ran longer than the window restarts after idle, and its crash count is reset', () => {
    assert.deepEqual(exit(3_600_000, 0), { crashed: false, crashes: 0, delayMs: 10_000 });
    assert.deepEqual(exit(10_000, 7), { crashed: false, crashes: 0, delayMs: 10_000 });
  });

  it('the first crash waits idle; each further crash in a row doubles it, up to the 5 min cap', () => {
    const delays: number[] = [];
    let crashes = 0;
    for (let i = 0; i < 8; i++) {
      const plan = exit(500, crashes);
      assert.equal(plan.crashed, true);
      crashes = plan.crashes;
      delays.push(plan.delayMs);
    }
    assert.deepEqual(delays, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    assert.equal(crashes, 8);
  });

  it('an exit just inside the window is a crash, one at its end is not', () => {
    assert.deepEqual(exit(9_999, 2), { crashed: true, crashes: 3, delayMs: 40_000 });
    assert.deepEqual(exit(10_000, 2), { crashed: false, crashes: 0, delayMs: 10_000 });
  });

  it('an idle longer than the window widens the window and lifts the cap', () => {
    // idle 20 min: a run of 15 min is still a crash, and the delay never exceeds max(cap, idle) = idle.
    const idleMs = 20 * 60_000;
    assert.deepEqual(exit(15 * 60_000, 0, idleMs), { crashed: true, crashes: 1, delayMs: idleMs });
    assert.deepEqual(exit(15 * 60_000, 1, idleMs), { crashed: true, crashes: 2, delayMs: idleMs });
    assert.deepEqual(exit(20 * 60_000, 5, idleMs), { crashed: false, crashes: 0, delayMs: idleMs });
  });

  it('idle = 0 restarts the first crash at once, then backs off from 100 ms', () => {
    const delays = [0, 1, 2, 3, 4].map((before) => exit(0, before, 0).delayMs);
    assert.deepEqual(delays, [0, 200, 400, 800, 1600]);
  });

  it('small idle values, as the real-process tests use them', () => {
    const delays = [0, 1, 2, 3].map((before) => exit(20, before, 100).delayMs);
    assert.deepEqual(delays, [100, 200, 400, 800]);
  });

  it('a custom window and cap', () => {
    const more = { crashWindowMs: 1_000, maxDelayMs: 1_500 };
    assert.deepEqual(exit(999, 3, 200, more), { crashed: true, crashes: 4, delayMs: 1_500 });
    assert.deepEqual(exit(1_000, 3, 200, more), { crashed: false, crashes: 0, delayMs: 200 });
  });

  it('a run whose duration is negative (the clock went back) counts as a crash', () => {
    assert.deepEqual(exit(-60_000, 1), { crashed: true, crashes: 2, delayMs: 20_000 });
  });

  it('a very long crash loop stays at the cap (no overflow to Infinity or NaN)', () => {
    assert.deepEqual(exit(0, 5_000), { crashed: true, crashes: 5_001, delayMs: 300_000 });
  });

  it('invariant: the delay is between idle and max(cap, idle) for any input', () => {
    for (const idleMs of [0, 50, 1_000, 10_000, 600_000]) {
      for (const ranMs of [-1, 0, 5, 9_999, 10_000, 1e9]) {
        for (const crashes of [0, 1, 2, 10, 100]) {
          const { delayMs } = exit(ranMs, crashes, idleMs);
          assert.ok(delayMs >= idleMs && delayMs <= Math.max(PROC_MAX_RESTART_DELAY_MS, idleMs), `${idleMs}/${ranMs}`);
        }
      }
    }
  });
});
