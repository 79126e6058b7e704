// ClusterRunHistory over a fake store and a fake local history, on a fake clock: GET /api/v1/runs and one run merge
// this host's runs with the cluster's (each once, the local one winning), the database away still answers with the
// local runs, and the strips come from a cache fed by polling the store's summaries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLUSTER_RUNS_POLL_MS, ClusterRunHistory } from '../../src/cluster-runs/cluster-run-history.ts';
import type { ClusterRunSummary, ClusterRunsStore } from '../../src/cluster-runs/cluster-runs-store.ts';
import type { RecentRun } from '../../src/http/describe-job.ts';
import type { HttpHistory, RunQuery } from '../../src/http/http-ports.ts';
import { MAX_RECENT_RUNS } from '../../src/http/parse-job-list-query.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import type { StatusRecord } from '../../src/statuslog/status-record.ts';
import { makeRecord } from '../history/history-fixtures.ts';
import { FakeClock } from '../support/fake-clock.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const ME = 'node-me';
const iso = (ms: number): string => new Date(ms).toISOString();

type Store = Pick<ClusterRunsStore, 'query' | 'get' | 'summaries'>;

/** The database as the test wants it: rows for query, records for get, summaries in seq order, a failure switch. */
class FakeStore implements Store {
  queryRows: { instanceId: string; record: Record<string, unknown> }[] = [];
  records = new Map<string, { instanceId: string; record: StatusRecord }>();
  rows: ClusterRunSummary[] = [];
  failWith: Error | undefined;
  readonly queries: RunQuery[] = [];
  readonly gets: string[] = [];
  readonly summaryCalls: { afterSeq: number | undefined; perJob: number; limit: number }[] = [];
  #seq = 0;
  /** A summaries() call held until the test resolves it. */
  hold: Promise<void> | undefined;

  async query(query: RunQuery): Promise<{ instanceId: string; record: Record<string, unknown> }[]> {
    this.queries.push(query);
    if (this.failWith) throw this.failWith;
    return this.queryRows;
  }

  async get(runId: string): Promise<{ instanceId: string; record: StatusRecord } | undefined> {
    this.gets.push(runId);
    if (this.failWith) throw this.failWith;
    return this.records.get(runId);
  }

  async summaries(afterSeq: number | undefined, perJob: number, limit: number): Promise<ClusterRunSummary[]> {
    this.summaryCalls.push({ afterSeq, perJob, limit });
    if (this.hold) await this.hold;
    if (this.failWith) throw this.failWith;
    let rows = [...this.rows];
    if (afterSeq === undefined) {
      const byJob = new Map<string, ClusterRunSummary[]>();
      for (const row of rows) byJob.set(row.job, [...(byJob.get(row.job) ?? []), row]);
      rows = [...byJob.values()].flatMap((list) => list.sort((a, b) => b.endedAt - a.endedAt).slice(0, perJob));
    } else rows = rows.filter((row) => row.seq > afterSeq);
    return rows.sort((a, b) => a.seq - b.seq).slice(0, limit);
  }

  /** Writes a run (the next seq, unless given). */
  write(runId: string, job: string, endedAt: number, more: Partial<ClusterRunSummary> = {}): ClusterRunSummary {
    const row: ClusterRunSummary = {
      seq: ++this.#seq,
      runId,
      job,
      instanceId: 'node-b',
      ok: true,
      timedOut: false,
      durationMs: 1000,
      endedAt,
      ...more,
    };
    this.#seq = Math.max(this.#seq, row.seq);
    this.rows.push(row);
    return row;
  }
}

/** This host's own history: entries for query, records for get, strips for recent. */
class FakeLocal implements HttpHistory {
  entries: Record<string, unknown>[] = [];
  records = new Map<string, unknown>();
  getError: Error | undefined;
  strips = new Map<string, RecentRun[]>();
  readonly queries: RunQuery[] = [];

  query(query: RunQuery): readonly unknown[] {
    this.queries.push(query);
    return this.entries.slice(0, query.limit);
  }

  async get(runId: string): Promise<unknown> {
    if (this.getError) throw this.getError;
    return this.records.get(runId);
  }

  recent(job: string, n: number): RecentRun[] {
    return (this.strips.get(job) ?? []).slice(0, n);
  }
}

function harness() {
  const clock = new FakeClock(T0 + 3_600_000);
  const logger = new MemoryServiceLogger({ now: () => clock.now() });
  const store = new FakeStore();
  const local = new FakeLocal();
  const history = new ClusterRunHistory({ store, local, instanceId: ME, clock, logger });
  /** Moves the clock one poll on and lets that poll finish. */
  const poll = async (times = 1): Promise<void> => {
    for (let i = 0; i < times; i++) {
      clock.advance(CLUSTER_RUNS_POLL_MS);
      await settle();
    }
  };
  return { clock, logger, store, local, history, poll };
}

/** Lets the promise chains started by a fired timer run to their end (the fakes answer at once). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A local entry as historyForHttp gives it (runEntryJson's fields), marked as local. */
function localEntry(runId: string, endedAt: number): Record<string, unknown> {
  return { run_id: runId, job: 'alpha', status: 'ok', ok: true, ended_at: iso(endedAt), from: 'local' };
}

function record(runId: string, job: string, endedAt: number, spec: { exitCode?: number; timedOut?: boolean } = {}) {
  return makeRecord({ job, endedAt, runId, durationMs: 2500, ...spec });
}

/** The store's query row: the record without output and error, as ClusterRunsStore.query gives it. */
function storeRow(instanceId: string, full: StatusRecord): { instanceId: string; record: Record<string, unknown> } {
  const rest: Record<string, unknown> = { ...full };
  delete rest.output;
  delete rest.error;
  return { instanceId, record: rest };
}

const strip = (runId: string, endedAt: number, status: RecentRun['status'] = 'ok'): RecentRun => ({
  run_id: runId,
  status,
  duration_ms: 1000,
  ended_at: iso(endedAt),
});

const runIds = (list: readonly unknown[]): unknown[] => list.map((entry) => (entry as { run_id: unknown }).run_id);

const WARN =
  "cluster run history: cannot read the cluster's runs (connect ECONNREFUSED 127.0.0.1:5432); this host's own runs are shown";

test('query() merges the local runs and the cluster runs, each once, newest first, cut at limit', async () => {
  const { store, local, history, logger } = harness();
  local.entries = [localEntry('L5', T0 + 5000), localEntry('both3', T0 + 3000)];
  store.queryRows = [
    storeRow('node-b', record('S4', 'beta', T0 + 4000, { exitCode: 2 })),
    storeRow(ME, record('both3', 'alpha', T0 + 3000)), // this host's run, written to the database too
    storeRow('node-c', record('S2', 'alpha', T0 + 2000, { timedOut: true })),
    storeRow('node-b', record('S1', 'alpha', T0 + 1000)),
  ];
  const query: RunQuery = { job: 'alpha', status: 'failed', since: T0, limit: 4 };
  const merged = await history.query(query);
  assert.deepEqual(local.queries, [query], 'the local history gets the query as it is');
  assert.deepEqual(store.queries, [query], 'and so does the store');
  assert.deepEqual(runIds(merged), ['L5', 'S4', 'both3', 'S2'], 'newest first, both3 once, S1 past the limit');

  assert.deepEqual(merged[2], { ...localEntry('both3', T0 + 3000), instance_id: ME }, 'the local one wins');
  assert.deepEqual(merged[0], { ...localEntry('L5', T0 + 5000), instance_id: ME });
  assert.deepEqual(merged[1], {
    run_id: 'S4',
    job: 'beta',
    status: 'failed',
    ok: false,
    status_code: 2,
    signal: null,
    timed_out: false,
    forcefully_terminated: false,
    scheduled_at: iso(T0 + 1500),
    begun_at: iso(T0 + 1500),
    ended_at: iso(T0 + 4000),
    duration_ms: 2500,
    reason_for_run: 'schedule',
    instance_id: 'node-b',
  });
  assert.equal((merged[3] as { status: string }).status, 'timed_out');
  assert.equal((merged[3] as { instance_id: string }).instance_id, 'node-c');

  assert.deepEqual(runIds(await history.query({ limit: 100 })), ['L5', 'S4', 'both3', 'S2', 'S1']);
  assert.deepEqual(runIds(await history.query({ limit: 1 })), ['L5']);
  assert.deepEqual(logger.entries, []);
});

test('query() with the store throwing answers with the local runs and logs one warning', async () => {
  const { store, local, history, logger } = harness();
  local.entries = [localEntry('L2', T0 + 2000), localEntry('L1', T0 + 1000)];
  store.queryRows = [storeRow('node-b', record('S9', 'alpha', T0 + 9000))];
  store.failWith = new Error('connect ECONNREFUSED 127.0.0.1:5432');
  const first = await history.query({ limit: 10 });
  assert.deepEqual(first, [
    { ...localEntry('L2', T0 + 2000), instance_id: ME },
    { ...localEntry('L1', T0 + 1000), instance_id: ME },
  ]);
  assert.deepEqual(runIds(await history.query({ limit: 10 })), ['L2', 'L1']);
  assert.equal(store.queries.length, 2, 'the store was asked each time');
  assert.deepEqual(logger.messages('warn'), [WARN], 'one warning, not one per query');

  store.failWith = undefined;
  assert.deepEqual(runIds(await history.query({ limit: 10 })), ['S9', 'L2', 'L1'], 'the cluster runs are back');
});

test('get() prefers the local record, falls back to the store, and rethrows the local error when neither has it', async () => {
  const { store, local, history } = harness();
  const localRecord = { ...record('shared', 'alpha', T0), output: 'from this host' };
  local.records.set('shared', localRecord);
  store.records.set('shared', { instanceId: ME, record: { ...record('shared', 'alpha', T0), output: 'from db' } });
  const elsewhere = record('elsewhere', 'beta', T0 + 1000);
  store.records.set('elsewhere', { instanceId: 'node-b', record: elsewhere });

  assert.equal(await history.get('shared'), localRecord);
  assert.deepEqual(store.gets, [], 'the store is not asked for a run this host has');
  assert.deepEqual(await history.get('elsewhere'), elsewhere, "another instance's run, output included");
  assert.equal(await history.get('nowhere'), undefined);

  // The local file is gone (retention): the store may still have the run.
  const gone = new Error('ENOENT: job_status.log.2026-02-01');
  local.getError = gone;
  assert.deepEqual(await history.get('elsewhere'), elsewhere);
  assert.deepEqual(await history.get('shared'), store.records.get('shared')!.record);
  await assert.rejects(history.get('nowhere'), (error) => error === gone, 'the local error, as it was');
});

test('recent() merges the local strip and the cached cluster runs after start(), newest first, each once, at most n', async () => {
  const { store, local, history } = harness();
  store.write('b1', 'alpha', T0 + 1000);
  store.write('mine4', 'alpha', T0 + 4000, { instanceId: ME, durationMs: 9999 }); // also in the local strip
  store.write('b3', 'alpha', T0 + 3000, { ok: false, timedOut: true, durationMs: 30_000 });
  store.write('c2', 'alpha', T0 + 2000, { ok: false, instanceId: 'node-c' });
  store.write('other', 'beta', T0 + 9000);
  local.strips.set('alpha', [strip('mine5', T0 + 5000), strip('mine4', T0 + 4000, 'failed')]);

  assert.deepEqual(history.recent('alpha', 10), local.strips.get('alpha'), 'before start(): the local strip alone');
  await history.start();
  assert.deepEqual(store.summaryCalls, [{ afterSeq: undefined, perJob: MAX_RECENT_RUNS, limit: 500_000 }]);

  assert.deepEqual(history.recent('alpha', 10), [
    strip('mine5', T0 + 5000),
    strip('mine4', T0 + 4000, 'failed'), // the local one
    { run_id: 'b3', status: 'timed_out', duration_ms: 30_000, ended_at: iso(T0 + 3000) },
    strip('c2', T0 + 2000, 'failed'),
    strip('b1', T0 + 1000),
  ]);
  assert.deepEqual(runIds(history.recent('alpha', 3)), ['mine5', 'mine4', 'b3']);
  assert.deepEqual(runIds(history.recent('beta', 10)), ['other']);
  assert.deepEqual(history.recent('nobody', 10), []);

  // The local strip newer than everything, but older runs of the cluster interleave.
  local.strips.set('beta', [strip('old-local', T0)]);
  assert.deepEqual(runIds(history.recent('beta', 10)), ['other', 'old-local']);
  history.close();
});

test('later polls add the new runs; rows read again within the seq margin are not duplicated', async () => {
  const { store, history, poll, clock } = harness();
  store.write('r1', 'alpha', T0 + 1000);
  store.write('r2', 'alpha', T0 + 2000);
  await history.start();
  assert.deepEqual(runIds(history.recent('alpha', 50)), ['r2', 'r1']);
  assert.equal(clock.pendingTimers, 1);

  store.write('r3', 'alpha', T0 + 3000);
  store.write('r0', 'alpha', T0 + 500); // committed late, ending early
  store.write('s1', 'beta', T0 + 1500);
  await poll();
  assert.deepEqual(store.summaryCalls.at(-1), { afterSeq: 0, perJob: MAX_RECENT_RUNS, limit: 11_000 }, 'seq 2 - 1000');
  assert.deepEqual(runIds(history.recent('alpha', 50)), ['r3', 'r2', 'r1', 'r0']);
  assert.deepEqual(runIds(history.recent('beta', 50)), ['s1']);

  await poll(3); // every row read again each time
  assert.equal(store.summaryCalls.length, 5, 'one read per poll');
  assert.deepEqual(runIds(history.recent('alpha', 50)), ['r3', 'r2', 'r1', 'r0'], 'each run once');
  assert.equal(clock.pendingTimers, 1, 'each poll arms the next, and only one');

  // Far into the table, a poll reads back SEQ_MARGIN rows before the newest seen.
  store.write('far', 'alpha', T0 + 6000, { seq: 5000 });
  await poll();
  store.write('farther', 'alpha', T0 + 7000, { seq: 5001 });
  await poll();
  assert.deepEqual(store.summaryCalls.at(-1), { afterSeq: 4000, perJob: MAX_RECENT_RUNS, limit: 11_000 });
  assert.deepEqual(runIds(history.recent('alpha', 50)), ['farther', 'far', 'r3', 'r2', 'r1', 'r0']);
  history.close();
});

test('the cache keeps the newest MAX_RECENT_RUNS runs of each job', async () => {
  const { store, local, history, poll } = harness();
  // Written in a scrambled order of ended_at, more than the cache keeps.
  const order = Array.from({ length: MAX_RECENT_RUNS + 15 }, (_, i) => (i * 37) % (MAX_RECENT_RUNS + 15));
  for (const i of order.slice(0, 20)) store.write(`a${i}`, 'alpha', T0 + i * 1000);
  await history.start();
  for (const i of order.slice(20)) store.write(`a${i}`, 'alpha', T0 + i * 1000);
  await poll(2);
  store.write('b', 'beta', T0);
  await poll();

  const newest = Array.from({ length: MAX_RECENT_RUNS }, (_, k) => `a${MAX_RECENT_RUNS + 14 - k}`);
  assert.deepEqual(runIds(history.recent('alpha', 1000)), newest, 'the 50 newest, newest first');
  assert.deepEqual(runIds(history.recent('beta', 1000)), ['b'], 'a bound per job');

  // Even with local runs, the strip of the cluster stays bounded by the cache, and n still cuts.
  local.strips.set('alpha', [strip('mine', T0 + 999_000)]);
  assert.equal(history.recent('alpha', 1000).length, MAX_RECENT_RUNS + 1);
  assert.deepEqual(runIds(history.recent('alpha', 2)), ['mine', newest[0]]);
  history.close();
});

test('a poll that fails keeps the cache, warns once, and its recovery is logged once', async () => {
  const { store, history, poll, logger } = harness();
  store.failWith = new Error('connect ECONNREFUSED 127.0.0.1:5432');
  await history.start(); // never throws
  assert.deepEqual(logger.messages('warn'), [WARN]);
  store.failWith = undefined;
  store.write('r1', 'alpha', T0 + 1000);
  await poll();
  assert.deepEqual(store.summaryCalls.at(-1)?.afterSeq, undefined, 'the first load is tried again');
  assert.deepEqual(runIds(history.recent('alpha', 50)), ['r1']);
  assert.deepEqual(logger.messages('info'), ['cluster run history: the database answers again']);

  store.failWith = new Error('connect ECONNREFUSED 127.0.0.1:5432');
  await poll(3);
  assert.deepEqual(runIds(history.recent('alpha', 50)), ['r1'], 'the cache stays through an outage');
  assert.deepEqual(logger.messages('warn'), [WARN, WARN], 'one warning for this outage');
  store.failWith = undefined;
  store.write('r2', 'alpha', T0 + 2000);
  await poll(2);
  assert.deepEqual(runIds(history.recent('alpha', 50)), ['r2', 'r1']);
  assert.equal(logger.messages('info').length, 2);
  history.close();
});

test('close() stops polling, also when a poll is under way', async () => {
  const { store, history, poll, clock } = harness();
  await history.start();
  await poll(2);
  assert.equal(store.summaryCalls.length, 3);
  history.close();
  assert.equal(clock.pendingTimers, 0);
  store.write('late', 'alpha', T0);
  await poll(3);
  assert.equal(store.summaryCalls.length, 3, 'no poll after close()');
  assert.deepEqual(history.recent('alpha', 10), []);

  const other = harness();
  await other.history.start();
  let release!: () => void;
  other.store.hold = new Promise<void>((resolve) => (release = resolve));
  other.clock.advance(CLUSTER_RUNS_POLL_MS);
  assert.equal(other.store.summaryCalls.length, 2, 'a poll is under way');
  other.history.close();
  release();
  await settle();
  assert.equal(other.clock.pendingTimers, 0, 'the poll under way arms no other');
  await other.poll(3);
  assert.equal(other.store.summaryCalls.length, 2);
});
