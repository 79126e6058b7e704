// ClusterRunsStore against the real PostgreSQL (table `runs`, migration 4): runs written once however often they
// are sent, read back newest first with GET /api/v1/runs's filters, one run whole, the strips' summaries in write
// order, and the retention. Each test has a schema of its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterRunsStore, type ClusterRunRow } from '../../src/cluster-runs/cluster-runs-store.ts';
import type { PgDatabase } from '../../src/cluster/pg-database.ts';
import type { StatusRecord } from '../../src/statuslog/status-record.ts';
import { createTestSchema } from '../cluster/cluster-database.ts';
import { makeRecord, type RecordSpec } from '../history/history-fixtures.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');

/** Runs `body` with a store on a freshly migrated schema of its own, dropped after. */
async function withStore(body: (store: ClusterRunsStore, db: PgDatabase) => Promise<void>): Promise<void> {
  const schema = await createTestSchema('cluster_runs');
  try {
    await schema.migrate();
    const db = schema.open();
    await body(new ClusterRunsStore(db), db);
  } finally {
    await schema.drop();
  }
}

function run(runId: string, job: string, endedAt: number, spec: Partial<RecordSpec> = {}): StatusRecord {
  return makeRecord({ job, endedAt, runId, stdout: `${runId} says hello\n`, stderr: `${runId} warns\n`, ...spec });
}

const rowOf = (record: StatusRecord, instanceId = 'node-a'): ClusterRunRow => ({ instanceId, record });

const countRuns = async (db: PgDatabase): Promise<number> =>
  Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM runs'))[0]!.n);

const ids = (rows: { record: Record<string, unknown> }[]): unknown[] => rows.map((row) => row.record.run_id);

test('insert() writes each run of a batch once; the same run_id again changes nothing', async () => {
  await withStore(async (store, db) => {
    await store.insert([]); // nothing to write: no statement, no error
    assert.equal(await countRuns(db), 0);

    const a = run('run-a', 'alpha', T0, { durationMs: 1234.6 });
    const b = run('run-b', 'beta', T0 + 1000, { exitCode: 3 });
    const c = run('run-c', 'alpha', T0 + 2000, { timedOut: true });
    await store.insert([rowOf(a), rowOf(b, 'node-b'), rowOf(c)]);
    assert.equal(await countRuns(db), 3);

    const columns = await db.query<Record<string, unknown>>(
      'SELECT run_id, job, instance_id, ok, timed_out, duration_ms, ended_at FROM runs ORDER BY seq',
    );
    assert.deepEqual(
      columns.map((r) => [
        r.run_id,
        r.job,
        r.instance_id,
        r.ok,
        r.timed_out,
        Number(r.duration_ms),
        Number(r.ended_at),
      ]),
      [
        ['run-a', 'alpha', 'node-a', true, false, 1235, T0],
        ['run-b', 'beta', 'node-b', false, false, 1500, T0 + 1000],
        ['run-c', 'alpha', 'node-a', false, true, 1500, T0 + 2000],
      ],
    );

    // A retry after a lost answer: the same runs (one of them changed, another instance claiming it) and a new one.
    const changed = { ...a, job: 'renamed', output: 'other output' };
    await store.insert([rowOf(changed, 'node-z'), rowOf(b), rowOf(run('run-d', 'beta', T0 + 3000))]);
    assert.equal(await countRuns(db), 4, 'only run-d was new');
    const kept = await store.get('run-a');
    assert.equal(kept?.instanceId, 'node-a');
    assert.equal(kept?.record.job, 'alpha');
    assert.equal(kept?.record.output, 'run-a says hello\n');

    // The same run twice within one batch is written once too.
    const e = run('run-e', 'gamma', T0 + 4000);
    await store.insert([rowOf(e), rowOf(e)]);
    assert.equal(await countRuns(db), 5);
  });
});

test('query() answers newest first by ended_at, without output and error, with the instance that ran each', async () => {
  await withStore(async (store) => {
    // Written out of order: ended_at decides, not the order of writing.
    await store.insert([
      rowOf(run('r2', 'alpha', T0 + 2000), 'node-b'),
      rowOf(run('r1', 'beta', T0 + 1000)),
      rowOf(run('r3', 'beta', T0 + 3000)),
    ]);
    const rows = await store.query({ limit: 100 });
    assert.deepEqual(ids(rows), ['r3', 'r2', 'r1']);
    assert.deepEqual(
      rows.map((row) => row.instanceId),
      ['node-a', 'node-b', 'node-a'],
    );
    const expected: Record<string, unknown> = { ...run('r3', 'beta', T0 + 3000) };
    delete expected.output;
    delete expected.error;
    assert.deepEqual(rows[0]!.record, expected, 'the whole record but output and error');
    assert.equal('output' in rows[0]!.record, false);
    assert.equal('error' in rows[0]!.record, false);
  });
});

test('query() filters by job, status (failed includes timed_out), since and limit', async () => {
  await withStore(async (store) => {
    await store.insert([
      rowOf(run('ok-1', 'alpha', T0 + 1000)),
      rowOf(run('fail-2', 'alpha', T0 + 2000, { exitCode: 1 })),
      rowOf(run('timeout-3', 'beta', T0 + 3000, { timedOut: true })),
      rowOf(run('ok-4', 'beta', T0 + 4000)),
      rowOf(run('fail-5', 'alpha', T0 + 5000, { exitCode: 2 })),
      rowOf(run('ok-6', 'alpha', T0 + 6000)),
    ]);
    assert.deepEqual(ids(await store.query({ job: 'alpha', limit: 100 })), ['ok-6', 'fail-5', 'fail-2', 'ok-1']);
    assert.deepEqual(ids(await store.query({ job: 'nobody', limit: 100 })), []);
    assert.deepEqual(ids(await store.query({ status: 'ok', limit: 100 })), ['ok-6', 'ok-4', 'ok-1']);
    assert.deepEqual(ids(await store.query({ status: 'failed', limit: 100 })), ['fail-5', 'timeout-3', 'fail-2']);
    assert.deepEqual(
      ids(await store.query({ since: T0 + 4000, limit: 100 })),
      ['ok-6', 'fail-5', 'ok-4'],
      'since is inclusive',
    );
    assert.deepEqual(ids(await store.query({ limit: 2 })), ['ok-6', 'fail-5']);
    assert.deepEqual(
      ids(await store.query({ job: 'alpha', status: 'failed', since: T0 + 2001, limit: 100 })),
      ['fail-5'],
      'the filters combine',
    );
    assert.deepEqual(ids(await store.query({ job: 'beta', status: 'failed', limit: 1 })), ['timeout-3']);
  });
});

test('get() returns the whole record, output included, and the instance id; undefined for an unknown run', async () => {
  await withStore(async (store) => {
    const record = run('whole', 'alpha', T0, { exitCode: 1 });
    await store.insert([rowOf(record, 'node-c'), rowOf(run('other', 'alpha', T0 + 1))]);
    const found = await store.get('whole');
    assert.deepEqual(found, { instanceId: 'node-c', record });
    assert.equal(found?.record.output, 'whole says hello\n');
    assert.equal(found?.record.error, 'whole warns\n');
    assert.equal(await store.get('no-such-run'), undefined);
  });
});

test('summaries(undefined, perJob, limit) gives at most perJob newest runs of each job, in write order', async () => {
  await withStore(async (store) => {
    // alpha: four runs, the second written ending last; beta: two; gamma: one (timed out).
    await store.insert([rowOf(run('a1', 'alpha', T0 + 1000)), rowOf(run('a4', 'alpha', T0 + 9000, { exitCode: 1 }))]);
    await store.insert([rowOf(run('b1', 'beta', T0 + 1500), 'node-b')]);
    await store.insert([rowOf(run('a2', 'alpha', T0 + 2000)), rowOf(run('a3', 'alpha', T0 + 3000))]);
    await store.insert([rowOf(run('g1', 'gamma', T0 + 500, { timedOut: true, durationMs: 777 }))]);
    await store.insert([rowOf(run('b2', 'beta', T0 + 2500), 'node-b')]);

    const all = await store.summaries(undefined, 2, 1000);
    assert.deepEqual(
      all.map((s) => s.runId),
      ['a4', 'b1', 'a3', 'g1', 'b2'],
      'alpha keeps a4 and a3 (the newest by ended_at), in the order they were written',
    );
    const seqs = all.map((s) => s.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((x, y) => x - y),
      'ordered by seq',
    );
    assert.equal(new Set(seqs).size, seqs.length);
    assert.deepEqual(all[3], {
      seq: all[3]!.seq,
      runId: 'g1',
      job: 'gamma',
      instanceId: 'node-a',
      ok: false,
      timedOut: true,
      durationMs: 777,
      endedAt: T0 + 500,
    });
    assert.equal(typeof all[3]!.seq, 'number');
    assert.deepEqual(all[0]!.ok, false);
    assert.deepEqual(all[1]!.instanceId, 'node-b');

    assert.deepEqual(
      (await store.summaries(undefined, 1, 1000)).map((s) => s.runId),
      ['a4', 'g1', 'b2'],
    );
    assert.deepEqual(
      (await store.summaries(undefined, 50, 3)).map((s) => s.runId),
      ['a1', 'a4', 'b1'],
      'limit cuts in write order',
    );
  });
});

test('summaries(afterSeq, ...) gives only the rows written after afterSeq, in write order, up to limit', async () => {
  await withStore(async (store) => {
    await store.insert([rowOf(run('s1', 'alpha', T0 + 1000)), rowOf(run('s2', 'alpha', T0 + 2000))]);
    const first = await store.summaries(undefined, 50, 1000);
    const lastSeq = first.at(-1)!.seq;
    assert.deepEqual(await store.summaries(lastSeq, 50, 1000), [], 'nothing written since');

    // Newer writes, one of them ending before everything else: after a seq, write order is all that counts.
    await store.insert([rowOf(run('s3', 'alpha', T0 - 5000)), rowOf(run('s4', 'beta', T0 + 4000))]);
    await store.insert([rowOf(run('s5', 'alpha', T0 + 5000))]);
    const after = await store.summaries(lastSeq, 1, 1000);
    assert.deepEqual(
      after.map((s) => s.runId),
      ['s3', 's4', 's5'],
      'perJob does not cut the rows after a seq',
    );
    assert.ok(after.every((s) => s.seq > lastSeq));
    assert.deepEqual(
      (await store.summaries(first[0]!.seq, 50, 2)).map((s) => s.runId),
      ['s2', 's3'],
    );
    assert.deepEqual(
      (await store.summaries(0, 50, 1000)).map((s) => s.runId),
      ['s1', 's2', 's3', 's4', 's5'],
    );
  });
});

test('removeOlderThan() removes the runs that ended before the instant and says how many', async () => {
  await withStore(async (store, db) => {
    await store.insert([
      rowOf(run('old-1', 'alpha', T0 - 2000)),
      rowOf(run('old-2', 'beta', T0 - 1)),
      rowOf(run('edge', 'alpha', T0)),
      rowOf(run('new', 'beta', T0 + 1000)),
    ]);
    assert.equal(await store.removeOlderThan(T0 - 5000), 0);
    assert.equal(await countRuns(db), 4);
    assert.equal(await store.removeOlderThan(T0), 2);
    assert.deepEqual(ids(await store.query({ limit: 100 })), ['new', 'edge'], 'a run ending at the instant stays');
    assert.equal(await store.get('old-1'), undefined);
    assert.equal(await store.removeOlderThan(T0), 0, 'nothing left to remove');
  });
});

test('a run whose output holds NUL bytes, or megabytes, is written (NUL as U+FFFD, output capped with a note)', async () => {
  await withStore(async (store) => {
    const binary = run('nul', 'dump', T0, { stdout: 'a\u0000b\n' });
    const flood = run('flood', 'dump', T0 + 1, { stdout: `${'x'.repeat(600_000)}END` });
    await store.insert([rowOf(binary), rowOf(flood)]);
    assert.equal((await store.get('nul'))?.record.output, 'a\uFFFDb\n');
    const big = (await store.get('flood'))!.record;
    assert.equal(big.output_truncated, true);
    assert.ok(big.output.length < 300_000, `${big.output.length} characters kept`);
    assert.ok(big.output.startsWith('xxx') && big.output.endsWith('END'));
    assert.match(
      big.output,
      /\[\.\.\. 337859 characters of stdout not kept in the cluster's run history; the status log on test-host has them \.\.\.\]/,
    );
    // Lists read the small entry: no output at all.
    const [listed] = await store.query({ job: 'dump', limit: 1 });
    assert.equal('output' in listed!.record, false);
  });
});
