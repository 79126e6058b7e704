// StoredJobsSync on a fake clock and an in-memory source: it polls the revision, reloads only when it moved, and
// rides out a database that does not answer (old jobs kept, one warning, one "answers again").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogLevel } from '../../src/config/settings.ts';
import type { ServiceLogger } from '../../src/log/service-logger.ts';
import type { ScanResult } from '../../src/jobs/scan-jobs-folder.ts';
import { readStoredJob } from '../../src/stored-jobs/read-stored-job.ts';
import type { StoredJob } from '../../src/stored-jobs/stored-job.ts';
import type { StoredJobsSnapshot } from '../../src/stored-jobs/stored-jobs-store.ts';
import { STORED_JOBS_POLL_MS, StoredJobsSync, type StoredJobsSource } from '../../src/stored-jobs/stored-jobs-sync.ts';
import { FakeClock } from '../support/fake-clock.ts';

class CapturingLogger implements ServiceLogger {
  readonly lines: { level: LogLevel; message: string }[] = [];
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  isEnabled(): boolean {
    return true;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The database as the test wants it: a revision, jobs, and a switch that makes every call fail. */
class MemorySource implements StoredJobsSource {
  revisionNow = 0;
  jobs: StoredJob[] = [];
  failWith: Error | undefined;
  revisionCalls = 0;
  snapshotCalls = 0;

  revision(): Promise<number> {
    this.revisionCalls++;
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve(this.revisionNow);
  }

  snapshot(): Promise<StoredJobsSnapshot> {
    this.snapshotCalls++;
    if (this.failWith) return Promise.reject(this.failWith);
    return Promise.resolve({ revision: this.revisionNow, jobs: this.jobs.map((job) => ({ ...job })) });
  }

  /** A PUT elsewhere: new jobs, the revision moved by one. */
  put(jobs: StoredJob[]): void {
    this.jobs = jobs;
    this.revisionNow++;
  }
}

function job(name: string, command = `echo ${name}`): StoredJob {
  return { category: 'example', name, schedule: '@hourly', command, routingKey: null, options: {} };
}

/** Lets the promise chains started by a fired timer run to their end (the source answers at once). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

function harness(source = new MemorySource()) {
  const clock = new FakeClock('2026-03-01T00:00:00Z');
  const logger = new CapturingLogger();
  const loads: { result: ScanResult; revision: number }[] = [];
  const reads: (readonly StoredJob[])[] = [];
  const sync = new StoredJobsSync({
    source,
    clock,
    logger,
    read(jobs) {
      reads.push(jobs);
      const results = jobs.map((j) => readStoredJob(j, '/nonexistent-jobs', { timezone: 'UTC' }));
      return { jobs: results.flatMap((r) => r.jobs), diagnostics: results.flatMap((r) => r.diagnostics) };
    },
    onLoaded(result, revision) {
      loads.push({ result, revision });
    },
  });
  /** Moves the clock one poll on and lets that poll finish. */
  const poll = async (times = 1): Promise<void> => {
    for (let i = 0; i < times; i++) {
      clock.advance(STORED_JOBS_POLL_MS);
      await settle();
    }
  };
  return { source, clock, logger, loads, reads, sync, poll };
}

const loadedNames = (load: { result: ScanResult } | undefined): string[] | undefined =>
  load?.result.jobs.map((j) => j.name);

test('start() loads the stored jobs once, then arms a poll', async () => {
  const h = harness();
  h.source.put([job('a'), job('b')]);
  assert.equal(h.sync.revision, undefined);
  await h.sync.start();
  assert.equal(h.source.snapshotCalls, 1);
  assert.equal(h.loads.length, 1);
  assert.equal(h.loads[0]!.revision, 1);
  assert.deepEqual(loadedNames(h.loads[0]), ['example/a', 'example/b']);
  assert.equal(h.sync.revision, 1);
  assert.equal(h.clock.pendingTimers, 1);
  h.sync.close();
});

test('an empty database still gives one first load, at revision 0', async () => {
  const h = harness();
  await h.sync.start();
  assert.deepEqual(
    h.loads.map((l) => [l.revision, l.result.jobs.length]),
    [[0, 0]],
  );
  h.sync.close();
});

test('no reload while the revision is unchanged, however many polls', async () => {
  const h = harness();
  h.source.put([job('a')]);
  await h.sync.start();
  await h.poll(5);
  assert.equal(h.source.revisionCalls, 6, 'one revision read at start and one per poll');
  assert.equal(h.source.snapshotCalls, 1);
  assert.equal(h.loads.length, 1);
  assert.equal(h.clock.pendingTimers, 1, 'each poll arms the next, and only one');
  h.sync.close();
});

test('a poll before its time does nothing', async () => {
  const h = harness();
  await h.sync.start();
  h.clock.advance(STORED_JOBS_POLL_MS - 1);
  await settle();
  assert.equal(h.source.revisionCalls, 1);
  h.clock.advance(1);
  await settle();
  assert.equal(h.source.revisionCalls, 2);
  h.sync.close();
});

test('a moved revision reloads at the next poll and calls onLoaded with the new revision', async () => {
  const h = harness();
  h.source.put([job('a')]);
  await h.sync.start();
  h.source.put([job('a', 'echo new'), job('c')]);
  await h.poll();
  assert.equal(h.source.snapshotCalls, 2);
  assert.deepEqual(
    h.loads.map((l) => l.revision),
    [1, 2],
  );
  assert.deepEqual(loadedNames(h.loads[1]), ['example/a', 'example/c']);
  assert.deepEqual(h.loads[1]!.result.jobs[0]!.command, { kind: 'shell', script: 'echo new' });
  assert.equal(h.sync.revision, 2);
  // And it settles there.
  await h.poll(3);
  assert.equal(h.loads.length, 2);
  h.sync.close();
});

test("read()'s diagnostics reach onLoaded with the jobs", async () => {
  const h = harness();
  h.source.put([job('good'), { ...job('bad'), options: { timout: '5m' } }]);
  await h.sync.start();
  assert.deepEqual(loadedNames(h.loads[0]), ['example/good']);
  assert.deepEqual(
    h.loads[0]!.result.diagnostics.map((d) => [d.path, d.message]),
    [['stored job example/bad', "options.timout: unknown job.ini key (did you mean 'timeout'? see docs/job-ini.md)"]],
  );
  h.sync.close();
});

test('a source that throws is logged once, keeps the old jobs, and its recovery is logged once', async () => {
  const h = harness();
  h.source.put([job('a')]);
  await h.sync.start();
  assert.deepEqual(h.logger.lines, []);

  h.source.failWith = new Error('connect ECONNREFUSED 127.0.0.1:5432');
  h.source.put([job('b')]); // changed meanwhile: must not be seen while the source fails
  await h.poll(4);
  assert.equal(h.source.revisionCalls, 5, 'it keeps polling through the outage');
  assert.deepEqual(h.logger.lines, [
    {
      level: 'warn',
      message:
        'stored jobs: cannot read them from the database (connect ECONNREFUSED 127.0.0.1:5432); the jobs loaded last keep their schedule',
    },
  ]);
  assert.equal(h.loads.length, 1, 'onLoaded is not called while the source fails');
  assert.equal(h.sync.revision, 1);

  h.source.failWith = undefined;
  await h.poll();
  assert.deepEqual(h.logger.lines.slice(1), [{ level: 'info', message: 'stored jobs: the database answers again' }]);
  assert.deepEqual(
    h.loads.map((l) => [l.revision, loadedNames(l)]),
    [
      [1, ['example/a']],
      [2, ['example/b']],
    ],
  );
  await h.poll(3);
  assert.equal(h.logger.lines.length, 2, 'nothing more is logged once it answers');
  h.sync.close();
});

test('a second outage is logged again', async () => {
  const h = harness();
  await h.sync.start();
  for (let outage = 0; outage < 2; outage++) {
    h.source.failWith = new Error(`down ${outage}`);
    await h.poll(2);
    h.source.failWith = undefined;
    await h.poll(2);
  }
  assert.deepEqual(
    h.logger.lines.map((l) => l.level),
    ['warn', 'info', 'warn', 'info'],
  );
  assert.match(h.logger.lines[2]!.message, /\(down 1\)/);
  h.sync.close();
});

test('a source down at start: start() resolves, nothing is loaded, and the first answer loads', async () => {
  const h = harness();
  h.source.put([job('a')]);
  h.source.failWith = new Error('no route to host');
  await h.sync.start();
  assert.equal(h.loads.length, 0);
  assert.equal(h.sync.revision, undefined);
  assert.equal(h.logger.lines.length, 1);
  h.source.failWith = undefined;
  await h.poll();
  assert.deepEqual(
    h.loads.map((l) => l.revision),
    [1],
  );
  h.sync.close();
});

test('a snapshot that fails after the revision answered is retried at the next poll', async () => {
  const h = harness();
  await h.sync.start();
  h.source.put([job('a')]);
  const snapshot = h.source.snapshot.bind(h.source);
  let failNext = true;
  h.source.snapshot = () => {
    if (failNext) {
      failNext = false;
      h.source.snapshotCalls++;
      return Promise.reject(new Error('connection reset'));
    }
    return snapshot();
  };
  await h.poll();
  assert.equal(h.loads.length, 1);
  assert.equal(h.sync.revision, 0);
  await h.poll();
  assert.deepEqual(
    h.loads.map((l) => l.revision),
    [0, 1],
  );
  h.sync.close();
});

test('refresh(true) reloads even with the same revision (new settings)', async () => {
  const h = harness();
  h.source.put([job('a')]);
  await h.sync.start();
  await h.sync.refresh();
  assert.equal(h.source.snapshotCalls, 1, 'a plain refresh with the same revision does not reload');
  await h.sync.refresh(true);
  assert.equal(h.source.snapshotCalls, 2);
  assert.equal(h.reads.length, 2);
  assert.deepEqual(
    h.loads.map((l) => l.revision),
    [1, 1],
  );
  h.sync.close();
});

test('refresh() at once sees a PUT without waiting for the poll', async () => {
  const h = harness();
  await h.sync.start();
  h.source.put([job('a')]);
  await h.sync.refresh();
  assert.deepEqual(loadedNames(h.loads[1]), ['example/a']);
  h.sync.close();
});

test('close() stops polling, and a refresh after it does nothing', async () => {
  const h = harness();
  await h.sync.start();
  h.sync.close();
  assert.equal(h.clock.pendingTimers, 0);
  h.source.put([job('a')]);
  await h.poll(3);
  assert.equal(h.source.revisionCalls, 1);
  await h.sync.refresh(true);
  assert.equal(h.source.revisionCalls, 1);
  assert.equal(h.loads.length, 1);
});

test('close() during a poll: the snapshot in flight is not handed on, and no poll is armed', async () => {
  const h = harness();
  await h.sync.start();
  h.source.put([job('a')]);
  let release!: () => void;
  const snapshot = h.source.snapshot.bind(h.source);
  h.source.snapshot = () => new Promise((resolve) => (release = () => resolve(snapshot())));
  h.clock.advance(STORED_JOBS_POLL_MS);
  await settle();
  assert.equal(typeof release, 'function', 'the poll is waiting on the snapshot');
  h.sync.close();
  release();
  await settle();
  assert.equal(h.loads.length, 1);
  assert.equal(h.clock.pendingTimers, 0);
});

test('a load that fails after the read (applying the jobs threw) is tried again at the next poll', async () => {
  const source = new MemorySource();
  const clock = new FakeClock('2026-03-01T00:00:00Z');
  const logger = new CapturingLogger();
  let failNext = true;
  const applied: number[] = [];
  const sync = new StoredJobsSync({
    source,
    clock,
    logger,
    read: () => ({ jobs: [], diagnostics: [] }),
    onLoaded(_result, revision) {
      if (failNext) {
        failNext = false;
        throw new Error('the scheduler refused it');
      }
      applied.push(revision);
    },
  });
  source.put([job('a')]);
  await sync.start();
  assert.equal(sync.revision, undefined, 'a revision that was not applied counts as loaded');
  clock.advance(STORED_JOBS_POLL_MS);
  await settle();
  assert.deepEqual(applied, [1]);
  assert.equal(sync.revision, 1);
  sync.close();
});

test('follow() alone polls without a first load; twice arms one poll', async () => {
  const h = harness();
  h.sync.follow();
  h.sync.follow();
  h.source.put([job('a')]);
  await h.poll();
  assert.equal(h.source.revisionCalls, 1);
  assert.deepEqual(loadedNames(h.loads[0]), ['example/a']);
  h.sync.close();
});
