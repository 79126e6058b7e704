import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Dispatcher } from '../../src/dispatch/dispatcher.ts';
import { ServiceEventBus } from '../../src/events.ts';
import type { RunResult } from '../../src/runner/run-result.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { iso, policyJob, schedulerHarness, t } from './run-harness.ts';

describe('pause and resume', () => {
  it('a paused job fires no slot; resumed, it goes on from now without catching up the paused slots', () => {
    const h = schedulerHarness('2026-01-01T00:00:30Z');
    h.scheduler.addAtStartUp(policyJob('tick', 'every 1m'));
    h.scheduler.start();
    h.clock.advance(60_000); // 00:01:30: fired 00:01
    h.scheduler.pause('tick');
    assert.equal(h.state.get('tick').paused, true);
    h.clock.advance(5 * 60_000); // 00:06:30: nothing while paused
    h.scheduler.resume('tick');
    assert.equal(h.state.get('tick').paused, undefined);
    h.clock.advance(60_000); // 00:07:30: fired 00:07, not a catch-up
    assert.deepEqual(
      h.runs.map((r) => [iso(r.firing.scheduledAt), r.firing.reason]),
      [
        ['2026-01-01T00:01:00.000Z', 'schedule'],
        ['2026-01-01T00:07:00.000Z', 'schedule'],
      ],
    );
  });

  it('the pause is kept in the state, so a restarted service stays paused', () => {
    const h = schedulerHarness('2026-01-01T00:00:30Z', {
      initial: { version: 1, jobs: { tick: { failures: 0, lastSlotAt: t('2026-01-01T00:00:00Z'), paused: true } } },
    });
    h.scheduler.addAtStartUp(policyJob('tick', 'every 1m'));
    h.scheduler.start();
    h.clock.advance(10 * 60_000);
    assert.deepEqual(h.runs, []);
  });

  it('a paused job refuses triggers but runs when a person asks for it (run now)', () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const job = policyJob('report', []);
    const started: string[] = [];
    const dispatcher = new Dispatcher({
      clock,
      logger: new MemoryServiceLogger(),
      events: new ServiceEventBus(),
      lookupJob: () => job,
      isPaused: () => true,
      runs: {
        start: (_spec, firing) => {
          started.push(firing.reason);
          return { runId: 'run-1', result: new Promise<RunResult>(() => {}) };
        },
        runningCount: () => 0,
        stopJob: async () => {},
      },
    });
    assert.equal(dispatcher.trigger(job, [], 'cli').kind, 'refused');
    assert.match(dispatcher.trigger(job, [], 'cli').message, /paused/);
    assert.equal(dispatcher.trigger(job, [], 'http 127.0.0.1', 'manual').kind, 'started');
    assert.deepEqual(started, ['manual']);
  });
});
