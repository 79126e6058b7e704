import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideOverlap, type OverlapDecision, type OverlapSituation } from '../../src/dispatch/decide-overlap.ts';
import type { OverlapPolicy } from '../../src/jobs/job-options.ts';

const POLICIES: readonly OverlapPolicy[] = ['ignore', 'asap', 'queue', 'parallel', 'replace'];

function decide(policy: OverlapPolicy, situation: Partial<OverlapSituation> = {}): OverlapDecision {
  return decideOverlap({
    policy,
    running: 0,
    pending: 0,
    isTrigger: false,
    queueMax: 10,
    maxParallel: 2,
    ...situation,
  });
}

describe('rule 1: overlap policy (decideOverlap)', () => {
  describe('the job is not running', () => {
    for (const policy of POLICIES) {
      it(`${policy}: a slot or a trigger starts at once`, () => {
        assert.deepEqual(decide(policy), { action: 'start' });
        assert.deepEqual(decide(policy, { isTrigger: true }), { action: 'start' });
      });

      it(`${policy}: a trigger during the idle wait joins the waiting run`, () => {
        assert.deepEqual(decide(policy, { pending: 1, isTrigger: true }), { action: 'collapse' });
      });

      it(`${policy}: a slot during the idle wait starts at once (idle gathers triggers only)`, () => {
        assert.deepEqual(decide(policy, { pending: 1 }), { action: 'start' });
      });
    }
  });

  describe('the job is running, nothing waits', () => {
    const expected: Record<OverlapPolicy, OverlapDecision> = {
      ignore: { action: 'refuse', reason: 'the job is running (overlap = ignore)' },
      asap: { action: 'wait' },
      queue: { action: 'wait' },
      parallel: { action: 'start' },
      replace: { action: 'replace' },
    };
    for (const policy of POLICIES) {
      it(`${policy}: ${expected[policy].action} (slot or trigger alike)`, () => {
        assert.deepEqual(decide(policy, { running: 1 }), expected[policy]);
        assert.deepEqual(decide(policy, { running: 1, isTrigger: true }), expected[policy]);
      });
    }
  });

  describe('the job is running and a run waits', () => {
    const expected: Record<OverlapPolicy, { slot: OverlapDecision; trigger: OverlapDecision }> = {
      ignore: {
        slot: { action: 'refuse', reason: 'the job is running (overlap = ignore)' },
        // The waiting run came from an idle wait that a slot overtook: a trigger still joins it.
        trigger: { action: 'collapse' },
      },
      asap: { slot: { action: 'collapse' }, trigger: { action: 'collapse' } },
      queue: { slot: { action: 'wait' }, trigger: { action: 'wait' } },
      parallel: { slot: { action: 'start' }, trigger: { action: 'collapse' } },
      replace: { slot: { action: 'collapse' }, trigger: { action: 'collapse' } },
    };
    for (const policy of POLICIES) {
      it(`${policy}: a slot -> ${expected[policy].slot.action}, a trigger -> ${expected[policy].trigger.action}`, () => {
        assert.deepEqual(decide(policy, { running: 1, pending: 1 }), expected[policy].slot);
        assert.deepEqual(decide(policy, { running: 1, pending: 1, isTrigger: true }), expected[policy].trigger);
      });
    }
  });

  it('queue: keeps requests apart up to queue_max, then refuses', () => {
    for (const isTrigger of [false, true]) {
      assert.deepEqual(decide('queue', { running: 1, pending: 0, queueMax: 2, isTrigger }), { action: 'wait' });
      assert.deepEqual(decide('queue', { running: 1, pending: 1, queueMax: 2, isTrigger }), { action: 'wait' });
      assert.deepEqual(decide('queue', { running: 1, pending: 2, queueMax: 2, isTrigger }), {
        action: 'refuse',
        reason: 'the queue is full (queue_max = 2)',
      });
    }
  });

  it('queue: queue_max = 0 refuses everything while the job runs', () => {
    assert.deepEqual(decide('queue', { running: 1, queueMax: 0 }), {
      action: 'refuse',
      reason: 'the queue is full (queue_max = 0)',
    });
  });

  it('parallel: starts copies up to max_parallel, then refuses', () => {
    assert.deepEqual(decide('parallel', { running: 1, maxParallel: 3 }), { action: 'start' });
    assert.deepEqual(decide('parallel', { running: 2, maxParallel: 3 }), { action: 'start' });
    assert.deepEqual(decide('parallel', { running: 3, maxParallel: 3, isTrigger: true }), {
      action: 'refuse',
      reason: '3 copies are running (max_parallel = 3)',
    });
  });

  it('parallel: max_parallel = 1 behaves like ignore while a copy runs', () => {
    assert.deepEqual(decide('parallel', { running: 1, maxParallel: 1 }), {
      action: 'refuse',
      reason: '1 copy is running (max_parallel = 1)',
    });
  });
});
