import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CatchUpPolicy } from '../../src/jobs/job-options.ts';
import { retryDelayFor } from '../../src/scheduler/plan-after-run.ts';
import { MAX_CATCH_UP_ALL, ON_TIME_MS } from '../../src/scheduler/plan-firings.ts';
import type { ServiceState } from '../../src/state/job-state.ts';
import { iso, policyJob, schedulerHarness, t } from './run-harness.ts';

/** State of a job whose last slot was `lastSlotAt` (the service then went down). */
function stateAfter(name: string, lastSlotAt: string, more: Record<string, unknown> = {}): ServiceState {
  return { version: 1, jobs: { [name]: { failures: 0, lastSlotAt: t(lastSlotAt), ...more } } };
}

const fired = (h: ReturnType<typeof schedulerHarness>) =>
  h.runs.map((r) => [iso(r.firing.scheduledAt), r.firing.reason, r.firing.missedWhile ?? '-']);

describe('rule 2: catch-up', () => {
  // An every-5m job last ran the 00:00 slot; the service is back at 01:02: 00:05 ... 01:00 (12 slots) were missed.
  const downtime = (catchUp: CatchUpPolicy, more: { runMs?: number; maxAgeMs?: number } = {}) => {
    const h = schedulerHarness('2026-01-01T01:02:00Z', {
      initial: stateAfter('five', '2026-01-01T00:00:00Z'),
      runMs: more.runMs ?? 0,
    });
    h.scheduler.addAtStartUp(policyJob('five', 'every 5m', { catchUp, catchUpMaxAgeMs: more.maxAgeMs }));
    h.scheduler.start();
    h.clock.advance(0);
    return h;
  };

  it('once: runs the latest missed slot once, then goes back to the grid', () => {
    const h = downtime('once');
    h.clock.advance(4 * 60_000);
    assert.deepEqual(fired(h), [
      ['2026-01-01T01:00:00.000Z', 'catch-up', 'down'],
      ['2026-01-01T01:05:00.000Z', 'schedule', '-'],
    ]);
    assert.equal(h.runs[0]?.firing.collapsedSlots, 11);
    assert.deepEqual(h.skipped, []);
  });

  it('skip: runs none of the missed slots and reports them; the next slot runs', () => {
    const h = downtime('skip');
    assert.equal(h.runs.length, 0);
    assert.deepEqual(h.skipped, [
      {
        job: 'five',
        count: 12,
        latest: t('2026-01-01T01:00:00Z'),
        reason: 'missed while the service was down (catch_up = skip)',
      },
    ]);
    h.clock.advance(4 * 60_000);
    assert.deepEqual(fired(h), [['2026-01-01T01:05:00.000Z', 'schedule', '-']]);
  });

  it('all: runs each missed slot once, in order, with its own scheduled_at, one at a time, then the grid', () => {
    const h = downtime('all', { runMs: 10_000 });
    h.clock.advance(4 * 60_000);
    const missed = Array.from({ length: 12 }, (_, i) => iso(t('2026-01-01T00:05:00Z') + i * 300_000));
    assert.deepEqual(
      h.runs.map((r) => [iso(r.firing.scheduledAt), r.firing.reason]),
      [...missed.map((slot) => [slot, 'catch-up']), ['2026-01-01T01:05:00.000Z', 'schedule']],
    );
    // One at a time: each starts when the one before it ended.
    assert.deepEqual(
      h.runs.slice(0, 12).map((r) => r.startedAt),
      Array.from({ length: 12 }, (_, i) => t('2026-01-01T01:02:00Z') + i * 10_000),
    );
    assert.ok(h.runs.every((r) => r.firing.collapsedSlots === 0));
    assert.deepEqual(h.droppedWhileRunning, [], 'no backlog slot is offered while the job runs');
    assert.deepEqual(h.skipped, []);
  });

  it('all: each missed slot says it was missed while the service was down', () => {
    const h = downtime('all');
    assert.equal(h.runs.length, 12);
    assert.deepEqual([...new Set(h.runs.map((r) => r.firing.missedWhile))], ['down']);
  });

  it('catch_up_max_age (once): a latest slot older than the age is skipped and reported, not run', () => {
    const old = downtime('once', { maxAgeMs: 60_000 });
    assert.equal(old.runs.length, 0);
    assert.deepEqual(old.skipped, [
      { job: 'five', count: 12, latest: t('2026-01-01T01:00:00Z'), reason: 'older than catch_up_max_age' },
    ]);
    const young = downtime('once', { maxAgeMs: 3 * 60_000 });
    assert.deepEqual(fired(young), [['2026-01-01T01:00:00.000Z', 'catch-up', 'down']]);
  });

  it('catch_up_max_age (all): the older missed slots are skipped and reported, the younger ones run in order', () => {
    const h = downtime('all', { maxAgeMs: 30 * 60_000 });
    assert.deepEqual(h.skipped, [
      { job: 'five', count: 6, latest: t('2026-01-01T00:30:00Z'), reason: 'older than catch_up_max_age' },
    ]);
    assert.deepEqual(
      h.runs.map((r) => iso(r.firing.scheduledAt)),
      ['00:35', '00:40', '00:45', '00:50', '00:55', '01:00'].map((hm) => `2026-01-01T${hm}:00.000Z`),
    );
    const allOld = downtime('all', { maxAgeMs: 60_000 });
    assert.equal(allOld.runs.length, 0);
    assert.deepEqual(allOld.skipped, [
      { job: 'five', count: 12, latest: t('2026-01-01T01:00:00Z'), reason: 'older than catch_up_max_age' },
    ]);
  });

  it(`all: an every-1s job down for a day runs at most ${MAX_CATCH_UP_ALL} slots, the newest, in bounded time`, () => {
    const started = performance.now();
    const h = schedulerHarness('2026-01-02T00:00:00.500Z', { initial: stateAfter('fast', '2026-01-01T00:00:00Z') });
    h.scheduler.addAtStartUp(policyJob('fast', 'every 1s', { catchUp: 'all' }));
    h.scheduler.start();
    h.clock.advance(0);
    const backlog = h.runs.length;
    assert.ok(backlog > 0 && backlog <= MAX_CATCH_UP_ALL, `${backlog} catch-up runs`);
    const slots = h.runs.map((r) => r.firing.scheduledAt);
    assert.ok(
      slots.every((slot, i) => i === 0 || slot === (slots[i - 1] as number) + 1_000),
      'consecutive, in order',
    );
    assert.equal(iso(slots.at(-1) as number), '2026-01-02T00:00:00.000Z');
    assert.equal(h.skipped.length, 1);
    assert.equal(h.skipped[0]?.reason, `more than ${MAX_CATCH_UP_ALL} missed slots`);
    assert.equal(h.skipped[0]?.latest, (slots[0] as number) - 1_000);
    h.clock.advance(2_000);
    assert.deepEqual(
      h.runs.slice(backlog).map((r) => [iso(r.firing.scheduledAt), r.firing.reason]),
      [
        ['2026-01-02T00:00:01.000Z', 'schedule'],
        ['2026-01-02T00:00:02.000Z', 'schedule'],
      ],
    );
    assert.ok(performance.now() - started < 5_000, 'bounded time');
  });
});

describe('rule 3: retries', () => {
  it('retryDelayFor: fixed keeps the delay; exponential doubles it (1x, 2x, 4x) up to retry_max_delay', () => {
    const fixed = policyJob('j', 'every 1h', { retryDelayMs: 10_000 });
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => retryDelayFor(fixed, 60_000, n)),
      [10_000, 10_000, 10_000, 10_000],
    );
    const grows = policyJob('j', 'every 1h', { retryDelayMs: 10_000, backoff: 'exponential' });
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => retryDelayFor(grows, 60_000, n)),
      [10_000, 20_000, 40_000, 80_000],
    );
    const capped = policyJob('j', 'every 1h', {
      retryDelayMs: 10_000,
      backoff: 'exponential',
      retryMaxDelayMs: 30_000,
    });
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => retryDelayFor(capped, 60_000, n)),
      [10_000, 20_000, 30_000, 30_000],
    );
    // Without retry_delay the service's JOB_FAIL_TIMEOUT_PERIOD_MINUTES applies.
    assert.equal(retryDelayFor(policyJob('j', 'every 1h'), 60_000, 3), 60_000);
    // A huge attempt number neither overflows nor exceeds the cap.
    assert.equal(retryDelayFor(capped, 60_000, 10_000), 30_000);
  });

  const failing = (options: Parameters<typeof policyJob>[2], runMs = 1_000) => {
    const h = schedulerHarness('2026-01-01T00:59:59Z', { ok: false, runMs, retryDelayMs: 60_000 });
    h.scheduler.addAtStartUp(policyJob('flaky', 'every 1h', options));
    h.scheduler.start();
    return h;
  };

  it('retry_delay per job replaces the service default', () => {
    const h = failing({ retryDelayMs: 10_000 });
    h.clock.advance(35_000);
    assert.deepEqual(h.startsOf('flaky'), [
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T01:00:11.000Z',
      '2026-01-01T01:00:22.000Z',
      '2026-01-01T01:00:33.000Z',
    ]);
    assert.deepEqual(
      h.runs.map((r) => [r.firing.reason, r.firing.attempt, r.slotAttempts]),
      [
        ['schedule', 1, 1],
        ['retry', 2, 2],
        ['retry', 3, 3],
        ['retry', 4, 4],
      ],
    );
  });

  it('backoff = exponential: waits 1x, 2x, 4x the delay after each failure, capped by retry_max_delay', () => {
    const h = failing({ retryDelayMs: 10_000, backoff: 'exponential', retryMaxDelayMs: 30_000 });
    h.clock.advance(2 * 60_000);
    const gaps = h.runs.slice(1).map((r, i) => r.startedAt - (h.runs[i]?.endedAt as number));
    assert.deepEqual(gaps.slice(0, 4), [10_000, 20_000, 30_000, 30_000]);
  });

  it('max_attempts: no retry after the last attempt; the next slot starts counting again', () => {
    const h = failing({ retryDelayMs: 10_000, maxAttempts: 3 });
    h.clock.advance(30 * 60_000);
    assert.deepEqual(
      h.runs.map((r) => [iso(r.startedAt), r.firing.reason, r.slotAttempts]),
      [
        ['2026-01-01T01:00:00.000Z', 'schedule', 1],
        ['2026-01-01T01:00:11.000Z', 'retry', 2],
        ['2026-01-01T01:00:22.000Z', 'retry', 3],
      ],
    );
    assert.equal(h.state.get('flaky').retryAt, undefined);
    assert.equal(h.state.get('flaky').failures, 3);
    h.clock.advance(31 * 60_000);
    assert.deepEqual(
      h.runs.slice(3).map((r) => [iso(r.startedAt), r.firing.reason, r.slotAttempts]),
      [
        ['2026-01-01T02:00:00.000Z', 'schedule', 1],
        ['2026-01-01T02:00:11.000Z', 'retry', 2],
        ['2026-01-01T02:00:22.000Z', 'retry', 3],
      ],
    );
  });

  it('max_attempts = 1: a failure is never retried', () => {
    const h = failing({ retryDelayMs: 10_000, maxAttempts: 1 });
    h.clock.advance(30 * 60_000);
    assert.deepEqual(h.startsOf('flaky'), ['2026-01-01T01:00:00.000Z']);
  });

  it('a retry is never later than the next regular slot: that slot is the retry', () => {
    const h = schedulerHarness('2026-01-01T00:00:59Z', { ok: false, runMs: 1_000 });
    h.scheduler.addAtStartUp(
      policyJob('flaky', 'every 1m', { retryDelayMs: 20_000, backoff: 'exponential', maxAttempts: 5 }),
    );
    h.scheduler.start();
    h.clock.advance(62_000);
    assert.deepEqual(
      h.runs.map((r) => [iso(r.startedAt), r.firing.reason, r.slotAttempts]),
      [
        ['2026-01-01T00:01:00.000Z', 'schedule', 1],
        ['2026-01-01T00:01:21.000Z', 'retry', 2],
        // 40 s after 00:01:22 would be 00:02:02: the 00:02 slot comes first and replaces it.
        ['2026-01-01T00:02:00.000Z', 'schedule', 1],
      ],
    );
  });

  it('a success ends the retries and clears the failure count', () => {
    let n = 0;
    const h = schedulerHarness('2026-01-01T00:59:59Z', { ok: () => ++n >= 3, runMs: 1_000 });
    h.scheduler.addAtStartUp(policyJob('flaky', 'every 1h', { retryDelayMs: 10_000 }));
    h.scheduler.start();
    h.clock.advance(30 * 60_000);
    assert.equal(h.runs.length, 3);
    assert.equal(h.state.get('flaky').failures, 0);
    assert.equal(h.state.get('flaky').slotAttempts, undefined);
  });

  it('a retry due while another run of the job goes on waits for its end, without a busy loop', () => {
    const h = schedulerHarness('2026-01-01T00:59:59Z', {
      ok: false,
      runMs: (firing) => (firing.reason === 'trigger' ? 20_000 : 1_000),
    });
    const job = policyJob('flaky', 'every 1h', { retryDelayMs: 10_000 });
    h.scheduler.addAtStartUp(job);
    h.scheduler.start();
    h.clock.advance(5_000); // 01:00 failed at 01:00:01: retry due at 01:00:11
    // A trigger run (through the dispatcher in the service) from 01:00:04 to 01:00:24, failing too.
    const trigger = { job: 'flaky', scheduledAt: h.clock.now(), reason: 'trigger' as const, attempt: 1 };
    h.startRun(job, { ...trigger, collapsedSlots: 0, args: [] });
    const armedBefore = h.guarded.armed;
    h.clock.advance(60_000);
    assert.ok(h.guarded.armed - armedBefore < 10, `${h.guarded.armed - armedBefore} timers armed`);
    assert.deepEqual(
      h.runs.map((r) => [iso(r.startedAt), r.firing.reason]),
      [
        ['2026-01-01T01:00:00.000Z', 'schedule'],
        ['2026-01-01T01:00:04.000Z', 'trigger'],
        // The retry due at 01:00:11 waited; the trigger run failed too, so the retry is 10 s after its end.
        ['2026-01-01T01:00:34.000Z', 'retry'],
        ['2026-01-01T01:00:45.000Z', 'retry'],
        ['2026-01-01T01:00:56.000Z', 'retry'],
      ],
    );
  });
});

describe('rule 8: time', () => {
  // An every-5m job ran 00:05 on time; then the wall clock jumps forward to 01:02 (00:10 ... 01:00 passed).
  const jumped = (catchUp: CatchUpPolicy, to = '2026-01-01T01:02:00Z') => {
    const h = schedulerHarness('2026-01-01T00:00:01Z');
    h.scheduler.addAtStartUp(policyJob('five', 'every 5m', { catchUp }));
    h.scheduler.start();
    h.clock.advance(5 * 60_000);
    h.clock.jumpTo(to);
    return h;
  };

  it('a forward jump with catch_up = once runs the latest passed slot once, as a catch-up "while asleep"', () => {
    const h = jumped('once');
    h.clock.advance(4 * 60_000);
    assert.deepEqual(fired(h), [
      ['2026-01-01T00:05:00.000Z', 'schedule', '-'],
      ['2026-01-01T01:00:00.000Z', 'catch-up', 'asleep'],
      ['2026-01-01T01:05:00.000Z', 'schedule', '-'],
    ]);
    assert.equal(h.runs[1]?.firing.collapsedSlots, 10);
  });

  it('a forward jump with catch_up = skip runs none of the passed slots and reports them', () => {
    const h = jumped('skip');
    assert.deepEqual(h.skipped, [
      { job: 'five', count: 11, latest: t('2026-01-01T01:00:00Z'), reason: 'missed (catch_up = skip)' },
    ]);
    h.clock.advance(4 * 60_000);
    assert.deepEqual(
      h.runs.map((r) => iso(r.firing.scheduledAt)),
      ['2026-01-01T00:05:00.000Z', '2026-01-01T01:05:00.000Z'],
    );
  });

  it('a forward jump with catch_up = all runs each passed slot once, in order', () => {
    const h = jumped('all');
    h.clock.advance(4 * 60_000);
    const passed = Array.from({ length: 11 }, (_, i) => iso(t('2026-01-01T00:10:00Z') + i * 300_000));
    assert.deepEqual(
      h.runs.map((r) => iso(r.firing.scheduledAt)),
      ['2026-01-01T00:05:00.000Z', ...passed, '2026-01-01T01:05:00.000Z'],
    );
    assert.ok(h.runs.slice(1, 12).every((r) => r.firing.reason === 'catch-up' && r.firing.missedWhile === 'asleep'));
  });

  it(`a slot reached up to ON_TIME_MS (${ON_TIME_MS} ms) late is on time; later, it is a missed slot`, () => {
    const onTime = jumped('once', iso(t('2026-01-01T00:10:00Z') + ON_TIME_MS));
    assert.deepEqual(fired(onTime)[1], ['2026-01-01T00:10:00.000Z', 'schedule', '-']);
    const late = jumped('once', iso(t('2026-01-01T00:10:00Z') + ON_TIME_MS + 1));
    assert.deepEqual(fired(late)[1], ['2026-01-01T00:10:00.000Z', 'catch-up', 'asleep']);
    const skipLate = jumped('skip', iso(t('2026-01-01T00:10:00Z') + ON_TIME_MS + 1));
    assert.equal(skipLate.runs.length, 1);
    assert.deepEqual(skipLate.skipped, [
      { job: 'five', count: 1, latest: t('2026-01-01T00:10:00Z'), reason: 'missed (catch_up = skip)' },
    ]);
  });

  it('catch_up = skip: a jump that lands on time for the latest slot runs it and skips the earlier ones', () => {
    const h = jumped('skip', '2026-01-01T01:00:03Z');
    assert.deepEqual(
      h.runs.map((r) => [iso(r.firing.scheduledAt), r.firing.reason]),
      [
        ['2026-01-01T00:05:00.000Z', 'schedule'],
        ['2026-01-01T01:00:00.000Z', 'schedule'],
      ],
    );
    assert.deepEqual(h.skipped, [
      { job: 'five', count: 10, latest: t('2026-01-01T00:55:00Z'), reason: 'missed (catch_up = skip)' },
    ]);
  });

  for (const catchUp of ['once', 'skip', 'all'] as const) {
    it(`a backward jump never fires a slot twice (catch_up = ${catchUp})`, () => {
      const h = schedulerHarness('2026-01-01T00:00:01Z');
      h.scheduler.addAtStartUp(policyJob('five', 'every 5m', { catchUp }));
      h.scheduler.start();
      h.clock.advance(10 * 60_000); // fires 00:05 and 00:10
      h.clock.jumpTo('2026-01-01T00:01:00Z');
      h.clock.advance(15 * 60_000); // the wall clock reaches 00:16 again
      assert.deepEqual(
        h.runs.map((r) => [iso(r.firing.scheduledAt), r.firing.reason]),
        [
          ['2026-01-01T00:05:00.000Z', 'schedule'],
          ['2026-01-01T00:10:00.000Z', 'schedule'],
          ['2026-01-01T00:15:00.000Z', 'schedule'],
        ],
      );
      assert.deepEqual(h.skipped, []);
    });
  }
});

describe('rule 2: catch-up (labels)', () => {
  it('catch_up = all labels every slot of a start-up backlog a catch-up, the last one just before start too', () => {
    const h = schedulerHarness('2026-01-01T00:05:02Z', {
      initial: { version: 1, jobs: { tick: { failures: 0, lastSlotAt: t('2026-01-01T00:00:00Z') } } },
    });
    h.scheduler.addAtStartUp(policyJob('tick', 'every 1m', { catchUp: 'all' }));
    h.scheduler.start();
    h.clock.advance(1_000);
    assert.deepEqual(
      h.runs.map((r) => [iso(r.firing.scheduledAt), r.firing.reason, r.firing.missedWhile]),
      [1, 2, 3, 4, 5].map((m) => [`2026-01-01T00:0${m}:00.000Z`, 'catch-up', 'down']),
    );
  });
});
