import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStateStore } from '../../src/state/memory-state-store.ts';
import { emptyState } from '../../src/state/job-state.ts';

test('the memory twin copies on save and load, so callers never share objects', async () => {
  const store = new MemoryStateStore();
  const state = emptyState();
  state.jobs['a'] = { failures: 1 };
  store.save(state);
  state.jobs['a'].failures = 99;
  const { state: loaded } = await store.load();
  assert.deepEqual(loaded, { version: 1, jobs: { a: { failures: 1 } } });
  loaded.jobs['b'] = { failures: 0 };
  assert.deepEqual(store.current(), { version: 1, jobs: { a: { failures: 1 } } });
  assert.equal(store.saves, 1);
  await store.flush();
});

test('the memory twin can return a warning, like an unreadable state file', async () => {
  const store = new MemoryStateStore(emptyState(), { warning: 'moved aside' });
  assert.deepEqual(await store.load(), { state: { version: 1, jobs: {} }, warning: 'moved aside' });
});
