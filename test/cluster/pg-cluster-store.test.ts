// The cluster's SQL against the real PostgreSQL: migrations, claims (exactly one winner), overlap across
// instances, fencing after a takeover, leases judged by the database's clock, state, and a clean stop.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { applyMigrations } from '../../src/cluster/apply-migrations.ts';
import type { ClaimRequest, InstanceInfo } from '../../src/cluster/cluster-store.ts';
import { PgClusterStore } from '../../src/cluster/pg-cluster-store.ts';
import { makeRecord } from '../history/history-fixtures.ts';
import { createTestSchema, type TestSchema } from './cluster-database.ts';

function instance(instanceId: string, leaseMs = 1500): InstanceInfo {
  return { incarnation: randomUUID(), instanceId, host: 'test-host', pid: process.pid, version: '0.0.0', leaseMs };
}

function request(job: string, scheduledAt: number, overrides: Partial<ClaimRequest> = {}): ClaimRequest {
  return {
    job,
    scheduledAt,
    retry: false,
    attempt: 1,
    reason: 'schedule',
    runId: randomUUID(),
    exclusive: true,
    claimedAt: Date.now(),
    recordPassOver: true,
    ...overrides,
  };
}

describe('PgClusterStore (real PostgreSQL)', () => {
  let schema: TestSchema;
  let stores: PgClusterStore[];
  before(async () => {
    schema = await createTestSchema('store');
    await schema.migrate();
    stores = [0, 1, 2].map(() => new PgClusterStore(schema.open()));
  });
  after(async () => {
    await schema?.drop();
  });

  it('applies the migrations once, even when three instances start at the same moment', async () => {
    const other = await createTestSchema('migrate');
    try {
      const applied = await Promise.all([0, 1, 2].map(() => applyMigrations(other.open(), other.name)));
      assert.deepEqual(applied.flat(), [1, 2, 3, 4], 'exactly one start applied the migrations');
      assert.deepEqual(await applyMigrations(other.open(), other.name), []);
    } finally {
      await other.drop();
    }
  });

  it('refuses a database whose schema is newer than this pycron', async () => {
    const other = await createTestSchema('newer');
    try {
      await other.migrate();
      await other.open().query(`INSERT INTO "${other.name}".schema_migrations (version, name) VALUES (999, 'future')`);
      await assert.rejects(applyMigrations(other.open(), other.name), /at migration 999, newer than this pycron/);
    } finally {
      await other.drop();
    }
  });

  it('gives each firing to exactly one of three instances claiming it at once', async () => {
    const members = ['a', 'b', 'c'].map((id) => instance(id));
    for (const [i, me] of members.entries()) await stores[i]!.register(me);
    const slots = Array.from({ length: 40 }, (_, i) => 1_800_000_000_000 + i * 1000);
    const outcomes = await Promise.all(
      slots.flatMap((slot) =>
        members.map((me, i) =>
          stores[i]!.claim(me, request(`job-${slot % 7}`, slot, { exclusive: false })).then((o) => ({ slot, o })),
        ),
      ),
    );
    for (const slot of slots) {
      const mine = outcomes.filter((x) => x.slot === slot);
      assert.equal(mine.filter((x) => x.o.kind === 'claimed').length, 1, `slot ${slot}: one winner`);
      assert.equal(mine.filter((x) => x.o.kind === 'taken').length, 2);
    }
    const tokens = outcomes.flatMap((x) => (x.o.kind === 'claimed' ? [x.o.token] : []));
    assert.equal(new Set(tokens).size, tokens.length, 'every claim has its own fencing token');
  });

  it('records the end of a run whose output holds a NUL byte (jsonb refuses it), so its job is not left running', async () => {
    const me = instance('nul');
    await stores[0]!.register(me);
    const runId = randomUUID();
    const claimed = await stores[0]!.claim(me, request('binary-out', 7000, { runId }));
    assert.equal(claimed.kind, 'claimed');
    const record = makeRecord({ job: 'binary-out', endedAt: Date.now(), runId, stdout: 'a\u0000b' });
    const token = claimed.kind === 'claimed' ? claimed.token : 0;
    const end = { runId, token, status: 'succeeded' as const, endedAt: Date.now(), exitCode: 0, record };
    assert.equal(await stores[0]!.end(end), true);
    const [row] = await stores[1]!.firings({ job: 'binary-out', limit: 1 });
    assert.equal(row?.status, 'succeeded');
    // The job runs again at its next slot, on any instance.
    assert.equal((await stores[1]!.claim(instance('other'), request('binary-out', 8000))).kind, 'claimed');
  });

  it('an exclusive job running on one instance is not claimed by another: the slot is recorded as passed over', async () => {
    const a = instance('ex-a');
    const b = instance('ex-b');
    await stores[0]!.register(a);
    await stores[1]!.register(b);
    const first = await stores[0]!.claim(a, request('long', 1000));
    assert.equal(first.kind, 'claimed');
    const second = await stores[1]!.claim(b, request('long', 2000));
    assert.deepEqual(second, { kind: 'busy', by: 'ex-a' });
    // The same instance may claim its next slot: its own overlap policy decides (queue, skip, replace...).
    assert.equal((await stores[0]!.claim(a, request('long', 3000))).kind, 'claimed');
    // A parallel job is claimed wherever it runs.
    assert.equal((await stores[1]!.claim(b, request('long', 4000, { exclusive: false }))).kind, 'claimed');
    const rows = await stores[2]!.firings({ job: 'long', limit: 10 });
    const passed = rows.find((row) => row.scheduledAt === 2000);
    assert.equal(passed?.status, 'released');
    assert.match(passed?.note ?? '', /running on ex-a/);
  });

  it('fences a dead instance: its running firings move to the taker with new tokens, and its late record is refused', async () => {
    const dying = instance('dying', 300);
    const taker = instance('taker');
    await stores[0]!.register(dying);
    await stores[1]!.register(taker);
    const runId = randomUUID();
    const claimed = await stores[0]!.claim(dying, request('fenced', 5000, { runId }));
    assert.equal(claimed.kind, 'claimed');
    const oldToken = claimed.kind === 'claimed' ? claimed.token : 0;
    assert.deepEqual(await stores[1]!.takeOverDead(taker), [], 'a fresh lease is not taken over');
    await new Promise((resolve) => setTimeout(resolve, 450));
    await stores[1]!.heartbeat(taker.incarnation, 0);
    const taken = await stores[1]!.takeOverDead(taker);
    const mine = taken.filter((firing) => firing.runId === runId);
    assert.equal(mine.length, 1);
    assert.equal(mine[0]!.from, 'dying');
    assert.ok(mine[0]!.token > oldToken, 'the taker holds a newer token');
    // A second taker finds nothing left: each dead instance is taken over once.
    assert.deepEqual(await stores[2]!.takeOverDead(instance('late')), []);
    // The slow instance wakes up: its heartbeat says it is dead, and its record is fenced.
    assert.equal(await stores[0]!.heartbeat(dying.incarnation, 0), 'dead');
    const end = { runId, status: 'succeeded' as const, endedAt: Date.now(), exitCode: 0 };
    assert.equal(await stores[0]!.end({ ...end, token: oldToken }), false);
    assert.equal(await stores[1]!.end({ ...end, status: 'interrupted', token: mine[0]!.token }), true);
    assert.equal(await stores[1]!.end({ ...end, token: mine[0]!.token }), false, 'a firing ends once');
    const row = (await stores[2]!.firings({ job: 'fenced', limit: 1 }))[0];
    assert.equal(row?.status, 'interrupted');
    assert.equal(row?.instanceId, 'taker');
  });

  it('a clean stop releases what was claimed and not run, and is never taken over', async () => {
    const me = instance('leaving', 200);
    await stores[0]!.register(me);
    await stores[0]!.claim(me, request('left', 7000));
    await stores[0]!.stop(me.incarnation);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const taken = await stores[1]!.takeOverDead(instance('watcher'));
    assert.equal(taken.filter((firing) => firing.job === 'left').length, 0);
    const row = (await stores[2]!.firings({ job: 'left', limit: 1 }))[0];
    assert.equal(row?.status, 'released');
    const listed = (await stores[2]!.instances()).find((i) => i.incarnation === me.incarnation);
    assert.equal(listed?.state, 'stopped');
  });

  it('keeps each instance state under its id, and lists live incarnations with their silence', async () => {
    assert.equal(await stores[0]!.loadState('s1'), undefined);
    await stores[0]!.saveState('s1', { version: 1, jobs: { a: { failures: 2 } } });
    await stores[1]!.saveState('s1', { version: 1, jobs: { a: { failures: 3 } } });
    assert.deepEqual(await stores[2]!.loadState('s1'), { version: 1, jobs: { a: { failures: 3 } } });
    const me = instance('listed');
    await stores[0]!.register(me);
    const live = await stores[1]!.liveIncarnations('listed');
    assert.equal(live.length, 1);
    assert.ok(live[0]!.silentMs >= 0 && live[0]!.silentMs < 5000, `silent ${live[0]!.silentMs} ms`);
  });
});
