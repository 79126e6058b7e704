// HACron's promise, kept: two real instances of one cluster tick every second on RabbitMQ, and each tick is
// published once (claimed in PostgreSQL), with HACron's fields.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { createTestSchema, type TestSchema } from '../cluster/cluster-database.ts';
import { writeClusterInstances, type ClusterInstance } from '../cluster/cluster-instances.ts';
import { requireServer } from '../triggers/trigger-servers.ts';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672/';

describe('ticks in a cluster (2 instances, real PostgreSQL and RabbitMQ)', () => {
  let schema: TestSchema;
  let root: string;
  let instances: ClusterInstance[] = [];
  const exchange = `hacron_test_${randomBytes(4).toString('hex')}`;

  before(async () => {
    await requireServer('RabbitMQ', { host: '127.0.0.1', port: 5672 }, 'rabbitmq-server -detached');
    schema = await createTestSchema('ticks');
    root = mkdtempSync(join(tmpdir(), 'pycron-ticks-'));
  });
  after(async () => {
    await Promise.all(instances.map((instance) => instance.crash()));
    const connection = await amqp.connect(AMQP_URL);
    const channel = await connection.createChannel();
    await channel.deleteExchange(exchange).catch(() => {});
    await connection.close();
    await schema?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('publishes each tick once in the whole cluster', async () => {
    instances = writeClusterInstances({
      root,
      schema: schema.name,
      instances: 2,
      jobs: [],
      extraSections: [
        '[AMQP]',
        `URL = ${AMQP_URL}`,
        '[Ticks]',
        'ENABLED = true',
        `EXCHANGE = ${exchange}`,
        'CRON_TIME = * * * * * *',
      ],
    });
    await Promise.all(instances.map((instance) => instance.start()));
    // The exchange exists once an instance has connected; then a queue of our own hears every tick.
    await Promise.all(instances.map((instance) => instance.process!.waitForLog(/AMQP: connected/)));
    const connection = await amqp.connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, exchange, '');
      const ticks: { iso: string; timestamp: number; second: number }[] = [];
      await channel.consume(
        queue,
        (message) => {
          if (!message) return;
          const tick = JSON.parse(message.content.toString('utf8')) as { iso: string; timestamp: number };
          ticks.push({ ...tick, second: new Date(tick.timestamp).getUTCSeconds() });
        },
        { noAck: true },
      );
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const instants = ticks.map((tick) => tick.timestamp);
      assert.ok(ticks.length >= 3, `only ${ticks.length} ticks in 5 s`);
      assert.equal(new Set(instants).size, instants.length, `a tick was published twice: ${instants.join(', ')}`);
      for (const tick of ticks) {
        assert.equal(tick.timestamp % 1000, 0, 'a tick is the instant of its second');
        assert.equal(tick.iso, new Date(tick.timestamp).toISOString());
      }
      const sorted = [...instants].sort((a, b) => a - b);
      for (let i = 1; i < sorted.length; i++) assert.equal(sorted[i]! - sorted[i - 1]!, 1000, 'no second skipped');
    } finally {
      await connection.close();
    }
    const codes = await Promise.all(instances.map((instance) => instance.stop()));
    assert.deepEqual(codes, [0, 0]);
  });
});
