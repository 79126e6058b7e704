import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobOptions } from '../../src/jobs/job-options.ts';
import { harness, job, START, t } from './dispatch-harness.ts';

describe('rule 1: overlap policy (Dispatcher)', () => {
  it('ignore: a trigger while the job runs is refused, logged and reported as firing:skipped', () => {
    const h = harness([job('backup')]);
    assert.equal(h.dispatcher.trigger(h.get('backup'), ['--a'], 'cli').kind, 'started');
    h.clock.advance(1_000);
    const outcome = h.dispatcher.trigger(h.get('backup'), ['--b'], 'cli');
    assert.deepEqual(outcome, {
      kind: 'refused',
      message: 'backup: refused: the job is running (overlap = ignore)',
    });
    assert.deepEqual(h.skipped, [
      { job: 'backup', slot: t('2026-01-01T00:00:01Z'), reason: 'the job is running (overlap = ignore)' },
    ]);
    assert.deepEqual(h.logs, [
      { level: 'info', message: 'trigger of backup from cli refused: the job is running (overlap = ignore)' },
    ]);
    h.end('backup');
    assert.equal(h.startsOf('backup').length, 1);
    assert.equal(h.dispatcher.waitingCount('backup'), 0);
  });

  it('a started trigger answers with the id of the run it started', () => {
    const h = harness([job('backup')]);
    assert.deepEqual(h.dispatcher.trigger(h.get('backup'), [], 'cli'), {
      kind: 'started',
      message: 'backup: started',
      runId: 'run-0',
    });
  });

  it('ignore: a slot while the job runs is skipped with a warning naming the slot', () => {
    const h = harness([job('backup')]);
    h.dispatcher.submit(h.get('backup'), h.firing('backup'));
    h.clock.advance(60_000);
    const outcome = h.dispatcher.submit(h.get('backup'), h.firing('backup'));
    assert.equal(outcome.kind, 'refused');
    assert.deepEqual(h.logs, [
      {
        level: 'warn',
        message: 'schedule run of backup for 2026-01-01T00:01:00.000Z skipped: the job is running (overlap = ignore)',
      },
    ]);
    assert.deepEqual(h.skipped, [
      { job: 'backup', slot: t('2026-01-01T00:01:00Z'), reason: 'the job is running (overlap = ignore)' },
    ]);
  });

  it('asap: 5 triggers during a run become exactly 1 follow-up run with all their arguments, in order', () => {
    const h = harness([job('sync', { overlap: 'asap' })]);
    h.dispatcher.trigger(h.get('sync'), ['first'], 'cli');
    const outcomes = [1, 2, 3, 4, 5].map((n) => {
      h.clock.advance(1_000);
      return h.dispatcher.trigger(h.get('sync'), [`--n`, String(n)], 'cli').kind;
    });
    assert.deepEqual(outcomes, ['queued', 'collapsed', 'collapsed', 'collapsed', 'collapsed']);
    assert.equal(h.dispatcher.waitingCount('sync'), 1);
    assert.equal(h.startsOf('sync').length, 1);

    h.clock.advance(10_000);
    h.end('sync');
    assert.equal(h.startsOf('sync').length, 2);
    const followUp = h.startsOf('sync')[1]!;
    assert.equal(followUp.at, t('2026-01-01T00:00:15Z'));
    assert.deepEqual(followUp.firing.args, ['--n', '1', '--n', '2', '--n', '3', '--n', '4', '--n', '5']);
    assert.equal(followUp.firing.collapsedTriggers, 4);
    assert.equal(followUp.firing.reason, 'trigger');

    h.end('sync');
    assert.equal(h.startsOf('sync').length, 2, 'nothing more runs');
    assert.equal(h.dispatcher.waitingCount('sync'), 0);
  });

  it('asap: a slot reached during a run also runs once right after it', () => {
    const h = harness([job('sync', { overlap: 'asap' })]);
    h.dispatcher.submit(h.get('sync'), h.firing('sync'));
    h.clock.advance(30_000);
    assert.equal(h.dispatcher.submit(h.get('sync'), h.firing('sync')).kind, 'queued');
    h.clock.advance(5_000);
    h.end('sync');
    assert.deepEqual(
      h.startsOf('sync').map((run) => [run.at, run.firing.scheduledAt]),
      [
        [t('2026-01-01T00:00:00Z'), t('2026-01-01T00:00:00Z')],
        [t('2026-01-01T00:00:35Z'), t('2026-01-01T00:00:30Z')],
      ],
    );
  });

  it('queue: keeps each request up to queue_max, refuses more, and runs them one after another', () => {
    const h = harness([job('mail', { overlap: 'queue', queueMax: 2 })]);
    h.dispatcher.trigger(h.get('mail'), ['0'], 'cli');
    const outcomes = ['1', '2', '3'].map((arg) => h.dispatcher.trigger(h.get('mail'), [arg], 'cli'));
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ['queued', 'queued', 'refused'],
    );
    assert.equal(outcomes[2]?.message, 'mail: refused: the queue is full (queue_max = 2)');
    assert.equal(h.dispatcher.waitingCount('mail'), 2);

    h.end('mail');
    assert.equal(h.startsOf('mail').length, 2, 'one queued run starts, not both');
    h.end('mail');
    h.end('mail');
    assert.deepEqual(
      h.startsOf('mail').map((run) => run.firing.args),
      [['0'], ['1'], ['2']],
    );
    assert.equal(h.dispatcher.waitingCount('mail'), 0);
  });

  it('parallel: starts copies up to max_parallel, refuses more, and accepts again once one ends', () => {
    const h = harness([job('render', { overlap: 'parallel', maxParallel: 3 })]);
    const kinds = [1, 2, 3, 4].map(() => h.dispatcher.trigger(h.get('render'), [], 'cli').kind);
    assert.deepEqual(kinds, ['started', 'started', 'started', 'refused']);
    assert.deepEqual(
      h.skipped.map((s) => s.reason),
      ['3 copies are running (max_parallel = 3)'],
    );
    h.end('render');
    assert.equal(h.dispatcher.trigger(h.get('render'), [], 'cli').kind, 'started');
    assert.equal(h.startsOf('render').length, 4);
  });

  it('replace: stops the running copy, and starts the new run only after the old one ended', () => {
    const h = harness([job('deploy', { overlap: 'replace' })]);
    h.dispatcher.trigger(h.get('deploy'), ['v1'], 'cli');
    h.clock.advance(5_000);
    const outcome = h.dispatcher.trigger(h.get('deploy'), ['v2'], 'cli');
    assert.deepEqual(outcome, {
      kind: 'queued',
      message: 'deploy: the running copy is being stopped; the new run starts then',
    });
    assert.deepEqual(h.stops, [{ job: 'deploy', reason: 'replace' }]);
    assert.deepEqual(h.logs.at(-1), {
      level: 'info',
      message: 'stopping the running copy of deploy: a new run replaces it (overlap = replace)',
    });
    assert.equal(h.startsOf('deploy').length, 1, 'not while the old copy still runs');

    h.clock.advance(2_000);
    h.end('deploy', { ok: false, replaced: true });
    assert.deepEqual(
      h.startsOf('deploy').map((run) => [run.at, run.firing.args]),
      [
        [t('2026-01-01T00:00:00Z'), ['v1']],
        [t('2026-01-01T00:00:07Z'), ['v2']],
      ],
    );
    assert.equal(h.stops.length, 1);
  });

  it('replace: triggers while the old copy is being stopped join the replacing run', () => {
    const h = harness([job('deploy', { overlap: 'replace' })]);
    h.dispatcher.trigger(h.get('deploy'), [], 'cli');
    h.dispatcher.trigger(h.get('deploy'), ['a'], 'cli');
    assert.equal(h.dispatcher.trigger(h.get('deploy'), ['b'], 'cli').kind, 'collapsed');
    assert.equal(h.stops.length, 1, 'one stop for the burst');
    h.end('deploy', { replaced: true });
    assert.deepEqual(h.startsOf('deploy')[1]?.firing.args, ['a', 'b']);
  });

  it('a disabled job and a proc are refused, with the reason', () => {
    const h = harness([job('off', {}, { enabled: false }), job('web', { type: 'proc' })]);
    assert.deepEqual(h.dispatcher.trigger(h.get('off'), [], 'cli'), {
      kind: 'refused',
      message: 'off: refused: the job is disabled',
    });
    assert.deepEqual(h.dispatcher.trigger(h.get('web'), [], 'cli'), {
      kind: 'refused',
      message: 'web: refused: it is a proc: it runs all the time and restarts by itself',
    });
    assert.equal(h.started.length, 0);
    assert.equal(h.skipped.length, 2);
  });

  it('stop() drops waiting runs (logged), cancels idle timers and refuses everything after', () => {
    const h = harness([job('sync', { overlap: 'asap' }), job('slow', { idleMs: 10_000 })]);
    h.dispatcher.trigger(h.get('sync'), [], 'cli');
    h.dispatcher.trigger(h.get('sync'), ['later'], 'cli');
    h.dispatcher.trigger(h.get('slow'), [], 'cli');
    assert.equal(h.clock.pendingTimers, 1);
    h.dispatcher.stop();
    assert.equal(h.clock.pendingTimers, 0);
    assert.deepEqual(
      h.logs.map((l) => l.message),
      [
        '1 waiting run(s) of sync not started: pycron is stopping',
        '1 waiting run(s) of slow not started: pycron is stopping',
      ],
    );
    h.end('sync');
    h.clock.advance(60_000);
    assert.deepEqual(
      h.started.map((run) => run.job),
      ['sync'],
    );
    assert.equal(h.dispatcher.trigger(h.get('sync'), [], 'cli').message, 'sync: refused: pycron is stopping');
  });

  it('a job disabled while a run of it waits: the waiting run is dropped with a warning, not started', () => {
    const h = harness([job('sync', { overlap: 'asap' }), job('index', { idleMs: 10_000 })]);
    h.dispatcher.trigger(h.get('sync'), [], 'cli');
    h.dispatcher.trigger(h.get('sync'), ['later'], 'cli');
    h.dispatcher.trigger(h.get('index'), [], 'cli');
    h.catalog.set('sync', { ...h.get('sync'), enabled: false });
    h.catalog.set('index', { ...h.get('index'), enabled: false });
    h.end('sync');
    h.clock.advance(10_000);
    assert.deepEqual(
      h.started.map((run) => run.job),
      ['sync'],
    );
    assert.deepEqual(h.logs, [
      { level: 'warn', message: '1 waiting run(s) of sync dropped: the job was disabled' },
      { level: 'warn', message: '1 waiting run(s) of index dropped: the job was disabled' },
    ]);
    assert.equal(h.dispatcher.waitingCount('sync') + h.dispatcher.waitingCount('index'), 0);
  });

  it('forget() drops the waiting runs of a removed job, with a warning', () => {
    const h = harness([job('sync', { overlap: 'asap' })]);
    h.dispatcher.trigger(h.get('sync'), [], 'cli');
    h.dispatcher.trigger(h.get('sync'), [], 'cli');
    h.catalog.delete('sync');
    h.dispatcher.forget('sync');
    assert.deepEqual(h.logs.at(-1), {
      level: 'warn',
      message: '1 waiting run(s) of sync dropped: the job was removed',
    });
    h.end('sync');
    assert.equal(h.started.length, 1);
  });
});

describe('rule 4: idle', () => {
  it('a trigger waits idle ms; triggers during the wait collapse into it; it starts at exactly now + idle', () => {
    const h = harness([job('index', { idleMs: 10_000 })]);
    const first = h.dispatcher.trigger(h.get('index'), ['a'], 'cli');
    assert.deepEqual(first, { kind: 'queued', message: 'index: starts in 10000 ms (idle), gathering triggers' });
    h.clock.advance(3_000);
    const second = h.dispatcher.trigger(h.get('index'), ['b'], 'cli');
    assert.deepEqual(second, { kind: 'collapsed', message: 'index: joined the run that is waiting to start' });
    h.clock.advance(6_999);
    assert.equal(h.started.length, 0);
    h.clock.advance(1);
    assert.deepEqual(
      h.started.map((run) => [run.at, run.firing.args, run.firing.collapsedTriggers]),
      [[t('2026-01-01T00:00:10Z'), ['a', 'b'], 1]],
    );
  });

  it('a schedule slot is not held back by idle', () => {
    const h = harness([job('index', { idleMs: 10_000 })]);
    assert.equal(h.dispatcher.submit(h.get('index'), h.firing('index')).kind, 'started');
    assert.equal(h.started[0]?.at, t(START));
  });

  it('after a run with triggers during it, the next run starts idle ms after its end', () => {
    const h = harness([job('index', { overlap: 'asap', idleMs: 10_000 })]);
    h.dispatcher.submit(h.get('index'), h.firing('index'));
    h.clock.advance(20_000);
    h.dispatcher.trigger(h.get('index'), ['x'], 'cli');
    h.clock.advance(20_000);
    h.dispatcher.trigger(h.get('index'), ['y'], 'cli');
    h.clock.advance(5_000);
    h.end('index');
    h.clock.advance(5_000);
    assert.equal(h.dispatcher.trigger(h.get('index'), ['z'], 'cli').kind, 'collapsed');
    h.clock.advance(4_999);
    assert.equal(h.started.length, 1);
    h.clock.advance(1);
    assert.deepEqual(
      h.started.map((run) => run.at),
      [t('2026-01-01T00:00:00Z'), t('2026-01-01T00:00:55Z')],
    );
    assert.deepEqual(h.started[1]?.firing.args, ['x', 'y', 'z']);
  });
});

describe('rule 5: chaining with arguments', () => {
  const chained = (triggerOn: JobOptions['triggerOn']) =>
    job('build', { triggerOn, triggers: [{ job: 'publish', args: ['--from', 'build'] }] });

  for (const [triggerOn, onSuccess, onFailure] of [
    ['success', true, false],
    ['failure', false, true],
    ['always', true, true],
  ] as const) {
    it(`trigger_on = ${triggerOn}: chains after a success: ${onSuccess}, after a failure: ${onFailure}`, () => {
      for (const [ok, expected] of [
        [true, onSuccess],
        [false, onFailure],
      ] as const) {
        const h = harness([chained(triggerOn), job('publish')]);
        h.dispatcher.submit(h.get('build'), h.firing('build'));
        h.clock.advance(30_000);
        h.end('build', { ok });
        const publish = h.startsOf('publish');
        assert.equal(publish.length, expected ? 1 : 0);
        if (expected) {
          assert.equal(publish[0]?.at, t('2026-01-01T00:00:30Z'));
          assert.equal(publish[0]?.firing.reason, 'chain');
          assert.deepEqual(publish[0]?.firing.args, ['--from', 'build']);
          assert.equal(publish[0]?.firing.source, `job build (on ${ok ? 'success' : 'failure'})`);
        }
      }
    });
  }

  it('arguments of chains arriving while the target runs all go to its one follow-up run', () => {
    const h = harness([
      job('a', { triggers: [{ job: 'sink', args: ['from-a'] }] }),
      job('b', { triggers: [{ job: 'sink', args: ['from-b'] }] }),
      job('sink', { overlap: 'asap' }),
    ]);
    h.dispatcher.trigger(h.get('sink'), ['own'], 'cli');
    h.dispatcher.trigger(h.get('a'), [], 'cli');
    h.dispatcher.trigger(h.get('b'), [], 'cli');
    h.end('a');
    h.end('b');
    assert.equal(h.startsOf('sink').length, 1);
    h.end('sink');
    assert.deepEqual(
      h.startsOf('sink').map((run) => run.firing.args),
      [['own'], ['from-a', 'from-b']],
    );
  });

  it('a missing target is logged and the other targets still start', () => {
    const h = harness([
      job('build', {
        triggers: [
          { job: 'ghost', args: [] },
          { job: 'publish', args: ['x'] },
        ],
      }),
      job('publish'),
    ]);
    h.dispatcher.trigger(h.get('build'), [], 'cli');
    h.end('build');
    assert.deepEqual(h.logs, [{ level: 'warn', message: 'build triggers ghost, but there is no such job' }]);
    assert.deepEqual(h.startsOf('publish')[0]?.firing.args, ['x']);
  });

  it('a replaced run chains nothing', () => {
    const h = harness([
      job('build', { overlap: 'replace', triggerOn: 'always', triggers: [{ job: 'publish', args: [] }] }),
      job('publish'),
    ]);
    h.dispatcher.trigger(h.get('build'), [], 'cli');
    h.dispatcher.trigger(h.get('build'), [], 'cli');
    h.end('build', { ok: false, replaced: true });
    assert.equal(h.startsOf('publish').length, 0);
    assert.equal(h.startsOf('build').length, 2);
    h.end('build');
    assert.equal(h.startsOf('publish').length, 1);
  });

  it("a chained run goes through the target's policy: refused while it runs (ignore)", () => {
    const h = harness([job('build', { triggers: [{ job: 'publish', args: [] }] }), job('publish')]);
    h.dispatcher.trigger(h.get('publish'), [], 'cli');
    h.dispatcher.trigger(h.get('build'), [], 'cli');
    h.end('build');
    assert.equal(h.startsOf('publish').length, 1);
    assert.deepEqual(h.logs.at(-1), {
      level: 'info',
      message: 'trigger of publish from job build (on success) refused: the job is running (overlap = ignore)',
    });
  });

  it("a chained run waits the target's idle", () => {
    const h = harness([job('build', { triggers: [{ job: 'publish', args: [] }] }), job('publish', { idleMs: 3_000 })]);
    h.dispatcher.trigger(h.get('build'), [], 'cli');
    h.end('build');
    assert.equal(h.startsOf('publish').length, 0);
    h.clock.advance(3_000);
    assert.equal(h.startsOf('publish')[0]?.at, t('2026-01-01T00:00:03Z'));
  });
});
