// The coordinator's own decisions, on a fake clock and a scripted store: clock skew warnings, when it may take
// over other instances, and what it does when it learns it was taken over itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterCoordinator } from '../../src/cluster/cluster-coordinator.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { ScriptedClusterStore } from './scripted-cluster-store.ts';

const LEASE_MS = 1500;
const HEARTBEAT_MS = LEASE_MS / 5;

function setUp() {
  const clock = new FakeClock('2026-11-23T10:00:00Z');
  const store = new ScriptedClusterStore(() => clock.now());
  const logger = new MemoryServiceLogger({ now: () => clock.now() });
  let incarnations = 0;
  const coordinator = new ClusterCoordinator({
    store,
    clock,
    logger,
    me: { instanceId: 'a', host: 'h', pid: 1, version: '0', leaseMs: LEASE_MS },
    newIncarnation: () => `incarnation-${++incarnations}`,
    onTakeOver: () => {},
  });
  /** Moves the fake clock one heartbeat at a time, letting each heartbeat's promises settle. */
  const beats = async (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.advance(HEARTBEAT_MS);
      for (let j = 0; j < 5; j++) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const lines = (level: string) => logger.entries.filter((e) => e.level === level).map((e) => e.message);
  return { clock, store, coordinator, beats, lines };
}

describe('ClusterCoordinator', () => {
  it('warns once when this host clock is more than 1 s off the database clock, and says when it agrees again', async () => {
    const { store, clock, coordinator, beats, lines } = setUp();
    await coordinator.start();
    store.dbNow = () => clock.now() - 5000;
    await beats(3);
    const warnings = lines('warn').filter((line) => /clock/.test(line));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /this host's clock is ahead of the database's by 5000 ms \(more than 1000 ms\)/);
    assert.equal(coordinator.health().clockSkewMs, 5000);
    store.dbNow = () => clock.now();
    await beats(1);
    assert.ok(lines('info').some((line) => /agrees with the database's again \(0 ms\)/.test(line)));
    await coordinator.stop(100);
  });

  it('takes over others only after a whole lease of healthy heartbeats, also after an outage', async () => {
    const { store, coordinator, beats, lines } = setUp();
    await coordinator.start();
    await beats(4); // 1200 ms: less than a lease
    assert.equal(store.takeOverCalls, 0);
    await beats(2);
    assert.ok(store.takeOverCalls >= 1, 'looks for dead instances once healthy for a lease');

    store.down = true;
    await beats(2);
    assert.equal(coordinator.health().connected, false);
    assert.equal(lines('error').filter((line) => /the database does not answer/.test(line)).length, 1);
    store.down = false;
    const before = store.takeOverCalls;
    await beats(4);
    assert.equal(coordinator.health().connected, true);
    assert.equal(store.takeOverCalls, before, 'a database back from an outage makes nobody look dead at once');
    await beats(2);
    assert.ok(store.takeOverCalls > before);
    assert.ok(lines('info').some((line) => /the database answers again/.test(line)));
    await coordinator.stop(100);
  });

  it('joins again under a new incarnation when it learns its lease ran out and was taken over', async () => {
    const { store, coordinator, beats, lines } = setUp();
    await coordinator.start();
    assert.equal(coordinator.incarnation, 'incarnation-1');
    store.takenOver = true;
    await beats(1);
    assert.equal(coordinator.incarnation, 'incarnation-2');
    assert.deepEqual(
      store.registered.map((me) => me.incarnation),
      ['incarnation-1', 'incarnation-2'],
    );
    assert.ok(lines('error').some((line) => /was silent longer than its lease and was taken over/.test(line)));
    await coordinator.stop(100);
  });

  it('a heartbeat in flight when the stop begins arms no further heartbeat', async () => {
    const { clock, store, coordinator } = setUp();
    await coordinator.start();
    let releaseBeat!: () => void;
    const beatHeld = new Promise<void>((resolve) => (releaseBeat = resolve));
    const heartbeat = store.heartbeat.bind(store);
    store.heartbeat = async () => {
      await beatHeld;
      return heartbeat();
    };
    // A record still on its way keeps stop() waiting while the beat completes.
    let releaseEnd!: () => void;
    const endHeld = new Promise<void>((resolve) => (releaseEnd = resolve));
    store.end = async () => {
      await endHeld;
      return true;
    };
    coordinator.recordEnd({ runId: 'r', token: 1, status: 'succeeded', endedAt: 0, exitCode: 0 }, 'a');
    clock.advance(HEARTBEAT_MS); // the beat starts and waits on the database
    const stopping = coordinator.stop(10_000);
    releaseBeat();
    for (let j = 0; j < 10; j++) await new Promise((resolve) => setImmediate(resolve));
    releaseEnd();
    await stopping;
    assert.equal(clock.pendingTimers, 0, 'no heartbeat armed after the stop');
  });

  it('takes no claim once it is leaving', async () => {
    const { coordinator } = setUp();
    await coordinator.start();
    const claim = {
      job: 'a',
      scheduledAt: 0,
      retry: false,
      attempt: 1,
      reason: 'schedule',
      runId: 'r',
      exclusive: true,
    };
    assert.equal((await coordinator.claim(claim))?.kind, 'claimed');
    await coordinator.stop(100);
    assert.equal(await coordinator.claim(claim), undefined);
  });
});
