import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEGMENT_SLOTS } from '../../src/history/index-segment.ts';
import type { IndexedRun } from '../../src/history/indexed-run.ts';
import { queryRuns } from '../../src/history/query-runs.ts';
import { RunIndex } from '../../src/history/run-index.ts';
import { runIdFor } from './history-fixtures.ts';

const T0 = Date.parse('2026-03-12T00:00:00.000Z');

function run(n: number, endedAt = T0 + n * 1000, job = `job-${n % 5}`): IndexedRun {
  return {
    runId: runIdFor(n),
    job,
    ok: n % 3 !== 0,
    statusCode: n % 3 !== 0 ? 0 : 1,
    signal: null,
    timedOut: false,
    forcefullyTerminated: false,
    scheduledAt: endedAt - 500,
    begunAt: endedAt - 400,
    endedAt,
    durationMs: 400,
    reasonForRun: 'schedule',
  };
}

const at = (n: number) => ({ file: 'job_status-2026-03-12.log', offset: n * 100, length: 99 });

test('runs spread over several segments are found by id, and segments wholly dropped are freed', () => {
  const index = new RunIndex();
  const total = SEGMENT_SLOTS * 2 + 500;
  for (let n = 0; n < total; n++) assert.equal(index.add(run(n), at(n)), n);
  for (const n of [0, 1, SEGMENT_SLOTS - 1, SEGMENT_SLOTS, total - 1]) {
    const slot = index.slotOf(runIdFor(n));
    assert.equal(slot, n);
    assert.deepEqual(index.entryAt(slot), {
      runId: runIdFor(n),
      job: `job-${n % 5}`,
      status: n % 3 !== 0 ? 'ok' : 'failed',
      ok: n % 3 !== 0,
      statusCode: n % 3 !== 0 ? 0 : 1,
      signal: null,
      timedOut: false,
      forcefullyTerminated: false,
      scheduledAt: T0 + n * 1000 - 500,
      begunAt: T0 + n * 1000 - 400,
      endedAt: T0 + n * 1000,
      durationMs: 400,
      reasonForRun: 'schedule',
      location: at(n),
    });
  }
  assert.equal(index.slotOf(runIdFor(total)), -1);

  const keepFrom = SEGMENT_SLOTS + 100;
  assert.equal(index.dropEndedBefore(T0 + keepFrom * 1000), keepFrom);
  assert.equal(index.live, total - keepFrom);
  assert.equal(index.first, SEGMENT_SLOTS, 'the first segment is freed');
  assert.equal(index.slotOf(runIdFor(keepFrom - 1)), -1);
  assert.equal(index.slotOf(runIdFor(keepFrom)), keepFrom);
  const all = queryRuns(index, [], { limit: 1000, since: T0 });
  assert.equal(all.runs.at(-1)?.runId, runIdFor(total - 1000));
  const job = index.job('job-2')!;
  assert.equal(
    job.slots[job.first],
    keepFrom + ((2 - (keepFrom % 5) + 5) % 5),
    'the job list starts at its first live run',
  );
  let liveOfJob2 = 0;
  for (let n = keepFrom; n < total; n++) if (n % 5 === 2) liveOfJob2++;
  assert.equal(job.ok + job.failed, liveOfJob2);
});

test('a run placed out of time order: since stops only where no older slot can match, and retention drops it alone', () => {
  const index = new RunIndex();
  index.add(run(1, T0 + 10_000), at(1));
  index.add(run(2, T0 + 30_000), at(2));
  index.add(run(3, T0 + 20_000), at(3)); // written late (another writer, a clock step)
  index.add(run(4, T0 + 5_000), at(4));
  const since = (ms: number): string[] => queryRuns(index, [], { since: ms }).runs.map((r) => r.runId);
  assert.deepEqual(since(T0 + 15_000), [runIdFor(3), runIdFor(2)]);
  assert.deepEqual(since(T0 + 1_000), [4, 3, 2, 1].map(runIdFor));
  assert.equal(index.dropEndedBefore(T0 + 15_000), 2);
  assert.deepEqual(since(T0), [runIdFor(3), runIdFor(2)]);
});

test('run ids that are not canonical UUIDs are kept as they are', () => {
  const index = new RunIndex();
  const odd = ['run-7', 'ABCDEF00-0000-4000-8000-000000000000', ''.padEnd(36, 'x')];
  odd.forEach((runId, n) => index.add({ ...run(n), runId }, at(n)));
  odd.forEach((runId, n) => {
    assert.equal(index.slotOf(runId), n);
    assert.equal(index.entryAt(n).runId, runId);
  });
  assert.equal(index.slotOf('abcdef00-0000-4000-8000-000000000000'), -1);
});
