// ClusterRunRecorder with an in-memory sink the test controls: runs reach it in order and in batches, wait through
// an outage (one warning, one "answers again"), are bounded while they wait, and are written (or counted) at stop.
// The recorder retries on real timers (200 ms, doubling), so outages here are a failure or two long.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { ClusterRunRecorder } from '../../src/cluster-runs/cluster-run-recorder.ts';
import type { ClusterRunRow } from '../../src/cluster-runs/cluster-runs-store.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import type { StatusRecord } from '../../src/statuslog/status-record.ts';
import { makeRecord } from '../history/history-fixtures.ts';
import { within } from '../support/within.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const OUTAGE = 'connect ECONNREFUSED 127.0.0.1:5432';

/** The database as the test wants it: it fails the next `failures` inserts, or answers after `delayMs`. */
class MemorySink {
  readonly batches: string[][] = [];
  /** When each insert was called (performance.now()). */
  readonly calls: number[] = [];
  failures = 0;
  delayMs = 0;

  async insert(rows: readonly ClusterRunRow[]): Promise<void> {
    this.calls.push(performance.now());
    const ids = rows.map((row) => `${row.instanceId}:${row.record.run_id}`);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failures > 0) {
      this.failures--;
      throw new Error(OUTAGE);
    }
    this.batches.push(ids);
  }

  get written(): string[] {
    return this.batches.flat();
  }
}

function harness(options: { maxWaiting?: number } = {}) {
  const sink = new MemorySink();
  const logger = new MemoryServiceLogger();
  const recorder = new ClusterRunRecorder({ sink, instanceId: 'node-a', logger, ...options });
  return { sink, logger, recorder };
}

let counter = 0;
function record(): StatusRecord {
  counter++;
  return makeRecord({ job: `job-${counter % 3}`, endedAt: T0 + counter, runId: `run-${counter}` });
}

/** Adds `n` new runs; their expected names in the sink. */
function addRuns(recorder: ClusterRunRecorder, n: number): string[] {
  return Array.from({ length: n }, () => {
    const r = record();
    recorder.add(r);
    return `node-a:${r.run_id}`;
  });
}

/** Waits (bounded) until `condition` holds. */
async function until(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const NOT_YET = `cluster run history: runs are not written yet (${OUTAGE}); they wait and are tried again`;
const AGAIN = 'cluster run history: the database answers again';

test('runs reach the sink in the order they finished, with the instance id, in batches of at most 200', async () => {
  const { sink, logger, recorder } = harness();
  const expected = addRuns(recorder, 451);
  await until(() => recorder.waiting === 0, 'every run written');
  assert.deepEqual(sink.written, expected, 'each run once, in order');
  assert.ok(
    sink.batches.every((batch) => batch.length >= 1 && batch.length <= 200),
    `batch sizes ${sink.batches.map((b) => b.length).join(', ')}`,
  );
  assert.ok(sink.batches.length <= 4, `batched, not one insert per run (${sink.batches.length} inserts)`);
  assert.ok(
    sink.batches.some((batch) => batch.length === 200),
    'full batches of 200',
  );
  // Later runs go in later inserts.
  const more = addRuns(recorder, 2);
  await until(() => recorder.waiting === 0, 'the later runs written');
  assert.deepEqual(sink.written, [...expected, ...more]);
  assert.deepEqual(logger.entries, [], 'nothing to say while the sink works');
  await recorder.close(1_000);
  assert.deepEqual(logger.entries, []);
});

test('while the sink fails nothing is lost: one warning for the outage, one "answers again" at its end', async () => {
  const { sink, logger, recorder } = harness();
  sink.failures = 2;
  const first = addRuns(recorder, 3);
  await until(() => sink.calls.length === 1, 'the first insert');
  await sleep(0);
  assert.deepEqual(logger.messages('warn'), [NOT_YET]);
  assert.equal(recorder.waiting, 3);
  const during = addRuns(recorder, 2); // while a retry is armed: they wait with the others
  assert.equal(recorder.waiting, 5);

  await until(() => recorder.waiting === 0, 'the runs written after the outage');
  assert.deepEqual(sink.written, [...first, ...during], 'every run once, in order');
  assert.equal(sink.calls.length, 3, 'two failed inserts, then one that worked');
  const gaps = [sink.calls[1]! - sink.calls[0]!, sink.calls[2]! - sink.calls[1]!];
  assert.ok(gaps[0]! >= 190 && gaps[1]! >= 390, `retried after 200 ms, then 400 ms (gaps ${gaps.join(', ')})`);
  assert.deepEqual(logger.messages('warn'), [NOT_YET], 'one warning for the whole outage');
  assert.deepEqual(logger.messages('info'), [AGAIN], 'no runs were dropped: no count');

  // A second outage is a new one: warned and recovered again, the retry back at 200 ms.
  sink.failures = 1;
  const later = addRuns(recorder, 1);
  await until(() => recorder.waiting === 0, 'the run written after the second outage');
  assert.deepEqual(sink.written, [...first, ...during, ...later]);
  assert.deepEqual(logger.messages('warn'), [NOT_YET, NOT_YET]);
  assert.deepEqual(logger.messages('info'), [AGAIN, AGAIN]);
  const gap = sink.calls[4]! - sink.calls[3]!;
  assert.ok(gap >= 190 && gap < 390, `the backoff starts over after a recovery (gap ${gap})`);
  await recorder.close(1_000);
});

test('beyond maxWaiting the oldest runs go, and the recovery line says how many', async () => {
  const { sink, logger, recorder } = harness({ maxWaiting: 5 });
  sink.failures = 2;
  const runs = addRuns(recorder, 1);
  await until(() => logger.messages('warn').length === 1, 'the outage warning');
  runs.push(...addRuns(recorder, 7)); // 8 waiting, 5 kept
  assert.equal(recorder.waiting, 5);
  await until(() => recorder.waiting === 0, 'the kept runs written');
  assert.deepEqual(sink.written, runs.slice(3), 'the 5 newest were kept, in order');
  assert.deepEqual(logger.messages('info'), [
    `${AGAIN} (3 run(s) were not kept meanwhile; this host's status log has them)`,
  ]);

  // The count starts over: the next outage without drops has no count.
  sink.failures = 1;
  addRuns(recorder, 1);
  await until(() => logger.messages('info').length === 2, 'the second recovery');
  assert.equal(logger.messages('info')[1], AGAIN);
  await recorder.close(1_000);
});

test('close(graceMs) writes what waits when the sink works, then add() is ignored', async () => {
  const { sink, logger, recorder } = harness();
  const runs = addRuns(recorder, 450);
  await recorder.close(2_000);
  assert.equal(recorder.waiting, 0);
  assert.deepEqual(sink.written, runs);
  assert.deepEqual(logger.messages('warn'), []);

  const calls = sink.calls.length;
  recorder.add(record());
  assert.equal(recorder.waiting, 0, 'add() after close is ignored');
  await sleep(50);
  assert.equal(sink.calls.length, calls, 'nothing more is written');
});

test('close(graceMs) during an outage does not wait for the retry: it writes at once when the sink is back', async () => {
  const { sink, logger, recorder } = harness();
  sink.failures = 1;
  const runs = addRuns(recorder, 3);
  await until(() => logger.messages('warn').length === 1, 'the outage warning');
  const started = performance.now();
  await recorder.close(2_000);
  assert.ok(performance.now() - started < 150, 'the armed 200 ms retry was not waited for');
  assert.deepEqual(sink.written, runs);
  assert.equal(recorder.waiting, 0);
  assert.deepEqual(logger.messages('warn'), [NOT_YET], 'no "not written" warning');
  assert.deepEqual(logger.messages('info'), [AGAIN]);
  await sleep(300);
  assert.equal(sink.calls.length, 2, 'no retry after close');
});

test('close(graceMs) while the sink keeps failing logs how many runs were not written, and stops', async () => {
  const { sink, logger, recorder } = harness();
  sink.failures = Infinity;
  addRuns(recorder, 3);
  await until(() => logger.messages('warn').length === 1, 'the outage warning');
  addRuns(recorder, 1);
  await within(recorder.close(500), 1_000, 'close');
  assert.equal(recorder.waiting, 4);
  assert.deepEqual(logger.messages('warn'), [
    NOT_YET,
    "cluster run history: 4 run(s) not written to the database at stop (they are in this host's status log)",
  ]);
  assert.deepEqual(sink.written, []);

  const calls = sink.calls.length;
  recorder.add(record());
  assert.equal(recorder.waiting, 4, 'add() after close is ignored');
  // Were a retry left armed, it would fire 400 ms after the failed insert of close().
  await sleep(700);
  assert.equal(sink.calls.length, calls, 'the sink is not tried again after close()');
});

test('close(graceMs) keeps to its grace when the sink is slow', async () => {
  const { sink, logger, recorder } = harness();
  sink.delayMs = 150;
  addRuns(recorder, 1 + 5 * 200); // six inserts of 150 ms: 900 ms to write them all
  const started = performance.now();
  await within(recorder.close(150), 3_000, 'close');
  const took = performance.now() - started;
  assert.ok(took < 500, `close(150) returned after ${Math.round(took)} ms (at most the batch in flight beyond it)`);
  assert.ok(recorder.waiting > 0, 'not everything could be written within the grace');
  assert.deepEqual(logger.messages('warn'), [
    `cluster run history: ${recorder.waiting} run(s) not written to the database at stop (they are in this host's status log)`,
  ]);
});

test('runs dropped while the database is up but slow are said at once, not kept for a later recovery line', async () => {
  const { sink, logger, recorder } = harness({ maxWaiting: 10 });
  sink.delayMs = 100;
  addRuns(recorder, 1); // the first batch is on its way to the slow sink
  addRuns(recorder, 15); // 15 wait behind it, 10 kept
  const warned = logger.entries.filter((e) => e.level === 'warn').map((e) => e.message);
  assert.ok(warned.length >= 1, 'no warning for the runs not kept');
  assert.ok(
    warned.every((m) => /^cluster run history: the database does not keep up; 1 run\(s\) not kept/.test(m)),
    warned.join(' | '),
  );
  await recorder.close(2_000);
  assert.equal(sink.written.length, 11);
  assert.ok(!logger.entries.some((e) => /answers again/.test(e.message)), 'a recovery line without an outage');
});

test('a run the database refuses (bad data, not an outage) is dropped and said; the runs around it are written', async () => {
  const logger = new MemoryServiceLogger();
  const written: string[] = [];
  const sink = {
    async insert(rows: readonly ClusterRunRow[]): Promise<void> {
      if (rows.some((row) => row.record.run_id === 'bad'))
        throw Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' });
      written.push(...rows.map((row) => row.record.run_id));
    },
  };
  const recorder = new ClusterRunRecorder({ sink, instanceId: 'node-a', logger });
  for (const runId of ['one', 'bad', 'two']) recorder.add(makeRecord({ job: 'dump', endedAt: T0, runId }));
  await recorder.close(2_000);
  assert.deepEqual(written.sort(), ['one', 'two']);
  assert.deepEqual(logger.messages('warn'), [
    "cluster run history: run bad of dump not written: the database refused it (invalid input syntax for type json); this host's status log has it",
  ]);
});

test('while the database is away, waiting runs are bounded by memory too (maxWaitingBytes)', async () => {
  const { sink, recorder } = harness({ maxWaiting: 1_000 });
  const bounded = new ClusterRunRecorder({
    sink,
    instanceId: 'node-a',
    logger: new MemoryServiceLogger(),
    maxWaitingBytes: 3 * 2 * 200_000,
  });
  sink.failures = 1_000;
  for (let i = 0; i < 10; i++)
    bounded.add(makeRecord({ job: 'big', endedAt: T0 + i, runId: `big-${i}`, stdout: 'y'.repeat(190_000) }));
  assert.ok(bounded.waiting <= 3, `${bounded.waiting} big runs wait`);
  assert.ok(bounded.waiting >= 2, `${bounded.waiting} big runs wait`);
  await bounded.close(0);
  await recorder.close(0);
});
