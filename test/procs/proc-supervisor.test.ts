// The supervisor's decisions on a fake clock with a fake spawner: no process, no waiting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceEventBus } from '../../src/events.ts';
import type { JobSpec } from '../../src/jobs/job-spec.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import { ProcSupervisor, type ProcSupervisorOptions } from '../../src/procs/proc-supervisor.ts';
import type { StatusRecord } from '../../src/statuslog/status-record.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { FakeSpawner, procSpec, settle } from './proc-fixtures.ts';

const T0 = '2026-03-01T12:00:00.000Z';
const iso = (ms: number): string => new Date(ms).toISOString();

function harness(more: Partial<ProcSupervisorOptions> = {}) {
  const clock = new FakeClock(T0);
  const logger = new MemoryServiceLogger({ now: () => clock.now() });
  const spawner = new FakeSpawner(() => clock.now());
  const records: StatusRecord[] = [];
  const events = new ServiceEventBus();
  const orphanLookups: string[] = [];
  const supervisor = new ProcSupervisor({
    clock,
    logger,
    events,
    statusLog: { write: (record) => records.push(record) },
    host: 'test-host',
    serviceId: 'svc-1',
    killGraceMs: 500,
    captureBytes: 1024,
    spawn: spawner.spawn,
    findOrphans: (_service, name) => {
      orphanLookups.push(name);
      return [];
    },
    ...more,
  });
  return { clock, logger, spawner, records, events, supervisor, orphanLookups };
}

const web = (options: Parameters<typeof procSpec>[3] = {}, overrides: Partial<JobSpec> = {}) =>
  procSpec('web', '/srv/web', 'exec ./server', { idleMs: 1_000, ...options }, overrides);

describe('rule 6, procs: ProcSupervisor on a fake clock', () => {
  it('starts a proc at once, in its dir, with its env and identity, without a timeout', async () => {
    const h = harness();
    h.supervisor.upsert(web({ env: { PORT: '8080', PYCRON_JOB: 'spoofed' }, dir: '/srv/web/www' }), {
      atStartUp: true,
    });
    await settle();
    assert.equal(h.spawner.runs.length, 1);
    const { options } = h.spawner.last;
    assert.equal(options.cwd, '/srv/web/www');
    assert.equal(options.timeoutMs, undefined);
    assert.equal(options.killGraceMs, 500);
    assert.deepEqual(options.command, { kind: 'shell', script: 'exec ./server' });
    assert.equal(options.env.PORT, '8080');
    assert.equal(options.env.PYCRON_JOB, 'web');
    assert.equal(options.env.PYCRON_SERVICE, 'svc-1');
    assert.equal(options.env.PYCRON_PROC, '1');
    assert.equal(options.env.PYCRON_RUN_ID, options.runId);
    assert.deepEqual(h.orphanLookups, ['web']);
    assert.deepEqual(h.supervisor.status('web'), {
      name: 'web',
      title: 'web',
      state: 'running',
      pid: 1000,
      runId: options.runId,
      startedAt: Date.parse(T0),
      restarts: 0,
      crashes: 0,
      nextStartAt: undefined,
      lastExit: undefined,
    });
  });

  it('an exit is recorded with the run reason and next_run, and the proc starts again after idle', async () => {
    const h = harness();
    h.supervisor.upsert(web(), { atStartUp: true });
    await settle();
    h.clock.advance(60_000); // a long run: not a crash
    h.spawner.last.exit(1);
    await settle();
    assert.equal(h.records.length, 1);
    const record = h.records[0] as StatusRecord;
    assert.equal(record.reason_for_run, 'proc started with the service');
    assert.equal(record.status_code, 1);
    assert.equal(record.ok, false);
    assert.equal(record.number_of_failed_attempts, 1);
    assert.equal(record.begun_at, T0);
    assert.equal(record.ended_at, '2026-03-01T12:01:00.000Z');
    assert.equal(record.next_run, '2026-03-01T12:01:01.000Z');
    assert.equal(record.host, 'test-host');
    assert.equal(h.supervisor.status('web')?.state, 'waiting');
    assert.equal(h.supervisor.status('web')?.nextStartAt, Date.parse('2026-03-01T12:01:01.000Z'));
    assert.deepEqual(h.logger.messages('warn'), ['proc exited: web (exit code 1); restarting in 1 s']);

    h.clock.advance(999);
    await settle();
    assert.equal(h.spawner.runs.length, 1);
    h.clock.advance(1);
    await settle();
    assert.equal(h.spawner.runs.length, 2);
    assert.equal(h.supervisor.status('web')?.restarts, 1);
    assert.equal(h.spawner.last.options.env.PYCRON_ATTEMPT, '2');

    h.clock.advance(30_000);
    h.spawner.last.exit(0);
    await settle();
    assert.equal(h.records[1]?.reason_for_run, 'proc restarted after exit (code 1)');
    assert.equal(h.records[1]?.number_of_failed_attempts, 0);
    assert.equal(h.records[1]?.ok, true);
  });

  it('a crash loop backs off: 1 s, 2 s, 4 s, 8 s, capped; a long run resets it', async () => {
    const h = harness({ maxRestartDelayMs: 5_000 });
    h.supervisor.upsert(web());
    await settle();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      h.clock.advance(200);
      h.spawner.last.exit(2);
      await settle();
      const status = h.supervisor.status('web');
      assert.equal(status?.crashes, i + 1);
      delays.push((status?.nextStartAt as number) - h.clock.now());
      h.clock.advance(delays.at(-1) as number);
      await settle();
    }
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 5_000, 5_000]);
    assert.equal(h.spawner.runs.length, 6);
    assert.match(h.logger.messages('warn').at(-1) as string, /restarting in 5 s \(crash 5 in a row: backing off\)$/);
    assert.equal(h.records.at(-1)?.number_of_failed_attempts, 5);
    h.clock.advance(10_000);
    h.spawner.last.exit(2);
    await settle();
    assert.equal(h.supervisor.status('web')?.crashes, 0);
    assert.equal(h.supervisor.status('web')?.nextStartAt, h.clock.now() + 1_000);
  });

  it('a spawn that fails is recorded and retried like a crash', async () => {
    const h = harness();
    let calls = 0;
    const real = h.spawner.spawn;
    const flaky: typeof real = (options) => {
      if (calls++ === 0) throw new Error('E2BIG');
      return real(options);
    };
    const supervisor = new ProcSupervisor({
      clock: h.clock,
      logger: h.logger,
      statusLog: { write: (record) => h.records.push(record) },
      host: 'h',
      serviceId: 's',
      killGraceMs: 500,
      captureBytes: 1024,
      spawn: flaky,
      findOrphans: () => [],
    });
    supervisor.upsert(web());
    await settle();
    assert.equal(h.records.length, 1);
    assert.equal(h.records[0]?.spawn_error, 'pycron could not start the proc: Error: E2BIG');
    assert.equal(h.records[0]?.next_run, '2026-03-01T12:00:01.000Z');
    assert.deepEqual(h.logger.messages('warn'), [
      'proc could not start: web (pycron could not start the proc: Error: E2BIG); restarting in 1 s',
    ]);
    h.clock.advance(1_000);
    await settle();
    assert.equal(h.spawner.runs.length, 1);
    assert.equal(supervisor.status('web')?.state, 'running');
  });

  it('one proc failing (its spawn, the status log) never stops another', async () => {
    const h = harness();
    let failWrites = true;
    const supervisor = new ProcSupervisor({
      clock: h.clock,
      logger: h.logger,
      statusLog: {
        write: (record) => {
          if (failWrites && record.job === 'bad') throw new Error('disk full');
          h.records.push(record);
        },
      },
      host: 'h',
      serviceId: 's',
      killGraceMs: 500,
      captureBytes: 1024,
      spawn: (options) => {
        if (options.job === 'bad') throw new Error('no such user');
        return h.spawner.spawn(options);
      },
      findOrphans: (_s, name) => {
        if (name === 'bad') throw new Error('/proc unreadable');
        return [];
      },
    });
    supervisor.upsert(procSpec('bad', '/srv/bad', 'x'));
    supervisor.upsert(procSpec('good', '/srv/good', 'y'));
    await settle();
    assert.equal(supervisor.status('good')?.state, 'running');
    assert.equal(supervisor.status('bad')?.state, 'waiting');
    assert.deepEqual(h.logger.messages('error'), [
      'proc bad: could not look for an orphan copy: Error: /proc unreadable',
      'proc bad: status record of run ' + supervisor.status('bad')?.lastExit?.runId + ' not written: Error: disk full',
    ]);
    failWrites = false;
    h.clock.advance(100);
    await settle();
    assert.equal(h.records.filter((r) => r.job === 'bad').length, 1);
    assert.equal(supervisor.status('good')?.pid, 1000);
  });

  it('remove() while a restart is pending cancels it', async () => {
    const h = harness();
    h.supervisor.upsert(web());
    await settle();
    h.spawner.last.exit(1);
    await settle();
    assert.equal(h.clock.pendingTimers, 1);
    await h.supervisor.remove('web');
    assert.equal(h.clock.pendingTimers, 0);
    h.clock.advance(60_000);
    await settle();
    assert.equal(h.spawner.runs.length, 1);
    assert.equal(h.supervisor.status('web'), undefined);
    assert.deepEqual(h.supervisor.list(), []);
  });

  it('remove() of a running proc stops its group; the record has no next_run', async () => {
    const h = harness();
    h.supervisor.upsert(web());
    await settle();
    await h.supervisor.remove('web');
    assert.deepEqual(h.spawner.last.stops, ['shutdown']);
    assert.equal(h.records.length, 1);
    assert.equal(h.records[0]?.next_run, null);
    assert.equal(h.records[0]?.signal, 'SIGTERM');
    assert.equal(h.records[0]?.number_of_failed_attempts, 0);
    assert.deepEqual(h.logger.messages('info').slice(-1), ['proc stopped: web (removed)']);
  });

  it('a changed fingerprint restarts the proc at once; the same fingerprint does nothing', async () => {
    const h = harness();
    h.supervisor.upsert(web());
    await settle();
    h.supervisor.upsert(web());
    await settle();
    assert.equal(h.spawner.runs.length, 1);
    h.clock.advance(5_000);
    h.supervisor.upsert(web({}, { fingerprint: 'edited' }));
    await settle();
    assert.equal(h.spawner.runs.length, 2);
    assert.deepEqual(h.spawner.runs[0]?.stops, ['replace']);
    assert.equal(h.records[0]?.next_run, '2026-03-01T12:00:05.000Z');
    h.spawner.last.exit(0);
    await settle();
    assert.equal(h.records[1]?.reason_for_run, 'proc restarted: job changed');
  });

  it('a spec that is not a proc, or is disabled, is not started; disabling a running proc stops it', async () => {
    const h = harness();
    h.supervisor.upsert(web({ type: 'job' }));
    h.supervisor.upsert(procSpec('off', '/srv/off', 'x', {}, { enabled: false }));
    await settle();
    assert.equal(h.spawner.runs.length, 0);
    h.supervisor.upsert(web());
    await settle();
    h.supervisor.upsert(web({}, { enabled: false, fingerprint: 'disabled' }));
    await settle();
    assert.deepEqual(h.spawner.last.stops, ['shutdown']);
    assert.deepEqual(h.supervisor.list(), []);
  });

  it('stopAll() cancels pending restarts, stops running procs, and nothing starts afterwards', async () => {
    const h = harness();
    h.supervisor.upsert(web());
    h.supervisor.upsert(procSpec('worker', '/srv/worker', 'x'));
    await settle();
    h.spawner.runs[1]?.exit(1); // worker waits for its restart
    await settle();
    await h.supervisor.stopAll();
    assert.deepEqual(h.spawner.runs[0]?.stops, ['shutdown']);
    assert.equal(h.clock.pendingTimers, 0);
    h.supervisor.upsert(procSpec('late', '/srv/late', 'x'));
    h.clock.advance(60_000);
    await settle();
    assert.equal(h.spawner.runs.length, 2);
    assert.deepEqual(
      h.supervisor.list().map((s) => [s.name, s.state]),
      [
        ['web', 'stopped'],
        ['worker', 'stopped'],
      ],
    );
    assert.equal(h.records.length, 2);
  });

  it('stopAll() right after upsert(): the pending start is cancelled, never spawned', async () => {
    const h = harness();
    h.supervisor.upsert(web());
    await h.supervisor.stopAll();
    assert.equal(h.spawner.runs.length, 0);
  });

  it('an exit during stopAll() is recorded and not restarted', async () => {
    const h = harness();
    const stopAllDone = (async () => {
      h.supervisor.upsert(web());
      await settle();
      h.spawner.last.exit(3);
      await h.supervisor.stopAll();
    })();
    await stopAllDone;
    assert.equal(h.records.length, 1);
    assert.equal(h.clock.pendingTimers, 0);
  });

  it('run:started and run:finished carry a firing whose reason is proc', async () => {
    const h = harness();
    const started = h.events.once('run:started');
    const finished = h.events.once('run:finished');
    h.supervisor.upsert(web(), { atStartUp: true });
    await settle();
    h.spawner.last.exit(0);
    const [s, f] = await Promise.all([started, finished]);
    assert.equal(s.firing.reason, 'proc');
    assert.equal(s.pid, 1000);
    assert.equal(f.firing.source, 'proc started with the service');
    assert.equal(f.record.run_id, s.runId);
    assert.equal(iso(f.firing.scheduledAt), T0);
  });

  it('a remove then re-add of the same name waits for the old copy to be gone', async () => {
    const h = harness();
    h.supervisor.upsert(web());
    await settle();
    const removed = h.supervisor.remove('web');
    h.supervisor.upsert(web());
    await removed;
    await settle();
    assert.equal(h.spawner.runs.length, 2);
    assert.deepEqual(h.spawner.runs[0]?.stops, ['shutdown']);
    assert.equal(h.records[0]?.run_id, h.spawner.runs[0]?.options.runId);
    assert.equal(h.supervisor.status('web')?.pid, 1001);
  });
});
