// The delivery queue on a FakeClock: bounded (the oldest is dropped, with a log line), a few sends at a time, a
// stuck send given up, and what happens to waiting deliveries at shutdown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import { DeliveryQueue, type Delivery } from '../../src/notify/delivery-queue.ts';
import { FakeClock } from '../support/fake-clock.ts';

/** Deliveries whose sends end when the test says so. */
function gatedSends() {
  const started: string[] = [];
  const gates = new Map<string, { resolve(): void; reject(error: Error): void }>();
  const delivery = (label: string): Delivery => ({
    label,
    send: () =>
      new Promise<void>((resolve, reject) => {
        started.push(label);
        gates.set(label, { resolve, reject });
      }),
  });
  return { started, delivery, gates };
}

function queueOn(options: Partial<ConstructorParameters<typeof DeliveryQueue>[0]> = {}) {
  const clock = new FakeClock('2026-03-10T02:30:00Z');
  const logger = new MemoryServiceLogger({ now: () => clock.now() });
  const queue = new DeliveryQueue({ clock, logger, ...options });
  return { clock, logger, queue };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('a full queue drops its oldest waiting delivery, says so, and sends the rest in order', async () => {
  const { queue, logger } = queueOn({ maxWaiting: 3, maxSending: 1 });
  const { started, delivery, gates } = gatedSends();
  for (const label of ['a', 'b', 'c', 'd', 'e']) queue.enqueue(delivery(label));
  assert.deepEqual(started, ['a']);
  assert.equal(queue.size, 3);
  assert.deepEqual(logger.messages('warn'), ['notification queue full (3 waiting): dropped the oldest, b']);
  for (const label of ['a', 'c', 'd']) {
    gates.get(label)?.resolve();
    await tick();
  }
  gates.get('e')?.resolve();
  await queue.idle();
  assert.deepEqual(started, ['a', 'c', 'd', 'e']);
  assert.deepEqual(
    logger.messages('info'),
    ['a', 'c', 'd', 'e'].map((l) => `notification sent: ${l}`),
  );
});

test('at most maxSending at once; enqueue returns at once whatever the sends do', () => {
  const { queue } = queueOn({ maxSending: 2 });
  const { started, delivery } = gatedSends();
  for (const label of ['a', 'b', 'c']) queue.enqueue(delivery(label));
  assert.deepEqual(started, ['a', 'b']);
  assert.equal(queue.size, 1);
});

test('a send that never ends is given up after the time limit on the clock, then retried', async () => {
  const { queue, clock, logger } = queueOn({ sendTimeoutMs: 120_000, retryDelaysMs: [60_000] });
  const { started, delivery, gates } = gatedSends();
  queue.enqueue(delivery('stuck'));
  clock.advance(119_999);
  await tick();
  assert.deepEqual(logger.messages('warn'), []);
  clock.advance(1);
  await queue.idle();
  assert.deepEqual(logger.messages('warn'), [
    'notification failed (attempt 1 of 2), retrying at 2026-03-10T02:33:00.000Z: stuck: no end after 120 s',
  ]);
  clock.advance(60_000);
  await tick();
  assert.deepEqual(started, ['stuck', 'stuck']);
  gates.get('stuck')?.resolve();
  await queue.idle();
  assert.deepEqual(logger.messages('info'), ['notification sent: stuck']);
});

test('close: retries still waiting are dropped and logged; a ready delivery gets its attempt within the grace', async () => {
  const { queue, clock, logger } = queueOn({ maxSending: 1, retryDelaysMs: [60_000] });
  const sent: string[] = [];
  let failNext = true;
  const delivery = (label: string): Delivery => ({
    label,
    send: async () => {
      if (failNext) {
        failNext = false;
        throw new Error('refused');
      }
      sent.push(label);
    },
  });
  queue.enqueue(delivery('first'));
  await queue.idle();
  queue.enqueue(delivery('second'));
  const closing = queue.close(5000);
  queue.enqueue(delivery('third'));
  await closing;
  clock.advance(60_000);
  assert.deepEqual(sent, ['second']);
  assert.deepEqual(logger.messages('error'), ['notification not delivered, the service is stopping: first']);
  assert.deepEqual(logger.messages('warn').slice(1), ['notification not sent, the service is stopping: third']);
});

test('close does not wait past its grace for a send that hangs', async () => {
  const { queue, clock, logger } = queueOn();
  const { delivery } = gatedSends();
  queue.enqueue(delivery('hangs'));
  const closing = queue.close(5000);
  clock.advance(5000);
  await closing;
  assert.deepEqual(logger.messages('error'), []);
});
