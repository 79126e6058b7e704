// The Redis trigger consumer on the in-memory twin of its lists: the order of work, retries after errors, and what
// a stop leaves behind. (The real server's side is in redis-triggers.test.ts.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TriggerOutcome } from '../../src/dispatch/trigger-outcome.ts';
import { PycronError } from '../../src/errors.ts';
import type { JobSpec } from '../../src/jobs/job-spec.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import { RedisTriggerConsumer } from '../../src/triggers/redis/redis-trigger-consumer.ts';
import { waitFor } from '../support/cli-process.ts';
import { makeJob } from '../support/make-job.ts';
import { MemoryListStore } from './memory-list-store.ts';

const LISTS = { list: 'hook', processing: 'hook:processing:one', dead: 'hook:dead' };

function setUp(options: { trigger?: (job: string, args: readonly string[]) => TriggerOutcome } = {}) {
  const store = new MemoryListStore();
  const logger = new MemoryServiceLogger();
  const triggered: { job: string; args: readonly string[]; source: string }[] = [];
  const backup = makeJob('backup', '@daily');
  const jobs = new Map<string, JobSpec>([
    ['backup', { ...backup, options: { ...backup.options, redisTrigger: true } }],
  ]);
  const consumer = new RedisTriggerConsumer({
    store,
    lists: LISTS,
    lookupJob: (name) => jobs.get(name),
    trigger: (job, args, source) => {
      triggered.push({ job, args, source });
      return options.trigger?.(job, args) ?? { kind: 'started', message: `${job}: started`, runId: 'r' };
    },
    logger,
    interrupt: () => store.interrupt(),
    isConnected: () => true,
  });
  return { store, logger, triggered, jobs, consumer };
}

describe('RedisTriggerConsumer', () => {
  it('handles what an earlier run left in its processing list first, oldest first, then the list', async () => {
    const { store, triggered, consumer } = setUp();
    store.push(LISTS.processing, '{"job":"backup","args":["left-1"]}', '{"job":"backup","args":["left-2"]}');
    store.push(LISTS.list, '{"job":"backup","args":["new-1"]}', '{"job":"backup","args":["new-2"]}');
    consumer.start();
    await waitFor(() => (triggered.length === 4 ? true : undefined), 2000, 'four triggers');
    await consumer.stop();
    assert.deepEqual(
      triggered.map((t) => t.args[0]),
      ['left-1', 'left-2', 'new-1', 'new-2'],
    );
    assert.deepEqual(triggered[0]?.source, 'redis hook');
    assert.deepEqual([store.read(LISTS.list), store.read(LISTS.processing)], [[], []]);
  });

  it('after an error, waits, logs, and handles what the lost reply left in the processing list', async () => {
    const { store, logger, triggered, consumer } = setUp();
    consumer.start();
    await new Promise((r) => setTimeout(r, 20));
    // The connection drops: the blocked take fails after Redis moved the message.
    store.push(LISTS.processing, 'backup');
    store.dropConnection();
    await waitFor(() => (triggered.length === 1 ? true : undefined), 3000, 'the trigger after the error');
    await consumer.stop();
    assert.ok(
      logger.lines().some((line) => line.includes('Redis triggers: Socket closed unexpectedly; again in 500 ms')),
    );
    assert.deepEqual(store.read(LISTS.processing), []);
  });

  it('dead-letters a message whose job is gone by the time it is triggered', async () => {
    const { store, logger, consumer } = setUp({
      trigger: (job) => {
        throw new PycronError('JOB_NOT_FOUND', { reason: `no job named '${job}' in /jobs` });
      },
    });
    store.push(LISTS.list, 'backup');
    consumer.start();
    await waitFor(() => (store.read(LISTS.dead).length === 1 ? true : undefined), 2000, 'a dead letter');
    await consumer.stop();
    assert.deepEqual(store.read(LISTS.dead), ['backup']);
    assert.ok(
      logger.lines().some((line) => line.includes("moved to hook:dead: no job named 'backup' in /jobs")),
      logger.lines().join('\n'),
    );
  });

  it('stop waits for the message being handled to be removed, then cuts the connection', async () => {
    const { store, triggered, consumer } = setUp();
    let release!: () => void;
    store.beforeRemove = () => new Promise((resolve) => (release = resolve));
    store.push(LISTS.list, 'backup');
    consumer.start();
    await waitFor(() => (triggered.length === 1 ? true : undefined), 2000, 'the trigger');
    const stopped = consumer.stop();
    await new Promise((r) => setTimeout(r, 50));
    release();
    await stopped;
    assert.deepEqual([store.read(LISTS.list), store.read(LISTS.processing)], [[], []]);
  });

  it('a stop while waiting returns at once; nothing taken is lost', async () => {
    const { store, triggered, consumer } = setUp();
    consumer.start();
    await new Promise((r) => setTimeout(r, 20));
    const startedAt = Date.now();
    await consumer.stop();
    assert.ok(Date.now() - startedAt < 500, 'stop waited for the blocking take');
    store.push(LISTS.list, 'backup');
    assert.deepEqual([triggered, store.read(LISTS.list)], [[], ['backup']]);
  });
});
