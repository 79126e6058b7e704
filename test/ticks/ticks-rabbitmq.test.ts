// Ticks through the machine's real RabbitMQ (127.0.0.1:5672, guest/guest): two publishers race for every tick of an
// every-second CRON_TIME, as two instances of a cluster do, and a consumer bound to the fanout hears each tick once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { AmqpLink } from '../../src/amqp/amqp-link.ts';
import { systemClock } from '../../src/clock.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import type { TickMessage } from '../../src/ticks/build-tick-message.ts';
import { declareTickExchange } from '../../src/ticks/declare-tick-exchange.ts';
import { tickPublishOptions } from '../../src/ticks/tick-publish-options.ts';
import { TickPublisher } from '../../src/ticks/tick-publisher.ts';
import { localTime } from '../schedule/firing-helpers.ts';
import { waitUntil } from '../procs/wait-until.ts';
import { requireServer } from '../triggers/trigger-servers.ts';
import { within } from '../support/within.ts';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672/';
const ZONE = 'America/Sao_Paulo';
const RUN_MS = 3_500;

describe('ticks on a real RabbitMQ', () => {
  const exchange = `hacron_test_${randomBytes(4).toString('hex')}`;
  const links: AmqpLink[] = [];
  const publishers: TickPublisher[] = [];
  const loggers: MemoryServiceLogger[] = [];
  const received: ConsumeMessage[] = [];
  let consumer: ChannelModel | undefined;
  let channel: Channel | undefined;

  before(async () => {
    await requireServer(
      'RabbitMQ',
      { host: '127.0.0.1', port: 5672 },
      'systemctl start rabbitmq-server, or rabbitmq-server -detached',
    );
    consumer = await within(amqp.connect(AMQP_URL), 5_000, 'a connection to RabbitMQ');
    consumer.on('error', () => {});
    channel = await consumer.createChannel();
    await declareTickExchange(channel, exchange);
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, exchange, '');
    await channel.consume(queue, (message) => message && received.push(message), { noAck: true });
  });

  after(async () => {
    await Promise.all(publishers.map((publisher) => publisher.stop()));
    await Promise.all(links.map((link) => link.close()));
    await channel?.deleteExchange(exchange).catch(() => {});
    await consumer?.close().catch(() => {});
  });

  it('publishes each tick of an every-second CRON_TIME exactly once from two racing publishers', async () => {
    const claimed = new Set<number>();
    const wins = [0, 0];
    for (const index of [0, 1]) {
      const link = new AmqpLink({ url: AMQP_URL, onConnected: (ch) => declareTickExchange(ch, exchange) });
      links.push(link);
      link.start();
      await link.ready(5_000);
      const logger = new MemoryServiceLogger();
      loggers.push(logger);
      publishers.push(
        new TickPublisher({
          clock: systemClock,
          timezone: ZONE,
          cronTime: '* * * * * *',
          exchange,
          publish: (name, body) => link.publish(name, '', body, tickPublishOptions(body)),
          // One shared claim, first come first served: what the cluster's claim in PostgreSQL does.
          claim: async (tickAt) => {
            if (claimed.has(tickAt)) return false;
            claimed.add(tickAt);
            wins[index]!++;
            return true;
          },
          logger,
          newId: () => randomBytes(16).toString('hex'),
        }),
      );
    }
    for (const publisher of publishers) publisher.start();
    await sleep(RUN_MS);
    await within(Promise.all(publishers.map((publisher) => publisher.stop())), 15_000, 'the publishers to stop');

    assert.ok(claimed.size >= 2, `at least 2 ticks in ${RUN_MS} ms, got ${claimed.size}`);
    await waitUntil(() => received.length >= claimed.size, 5_000, `${claimed.size} ticks to arrive`);
    await sleep(300); // a duplicate would arrive right behind the others
    const ticks = received.map((message) => JSON.parse(message.content.toString('utf8')) as TickMessage);
    const instants = ticks.map((tick) => tick.timestamp).sort((a, b) => a - b);
    assert.deepEqual(
      instants,
      [...claimed].sort((a, b) => a - b),
      'every tick claimed arrived, once',
    );
    assert.equal(new Set(ticks.map((tick) => tick.id)).size, ticks.length);
    assert.equal(wins[0]! + wins[1]!, claimed.size);

    for (const [i, tick] of ticks.entries()) {
      assert.equal(tick.timestamp % 1000, 0, 'a tick is on a whole second');
      const local = localTime(ZONE, tick.timestamp);
      const [year, month, day] = local.date.split('-').map(Number);
      assert.deepEqual(
        {
          iso: tick.iso,
          year: tick.year,
          month: tick.month,
          day_of_month: tick.day_of_month,
          hour: tick.hour,
          minute: tick.minute,
          timezone_offset: tick.timezone_offset,
        },
        {
          iso: new Date(tick.timestamp).toISOString(),
          year,
          month: month! - 1,
          day_of_month: day,
          hour: local.hour,
          minute: local.minute,
          timezone_offset: 180,
        },
      );
      const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
      assert.equal(weekdays[tick.day_of_week], local.weekday);
      const { properties } = received[i]!;
      assert.deepEqual(
        [properties.type, properties.messageId, properties.contentType, properties.expiration],
        ['tick', tick.id, 'application/json', '30000'],
      );
    }
    for (const logger of loggers) {
      assert.deepEqual(
        logger.entries.filter((entry) => entry.level === 'error' || entry.level === 'warn').map((e) => e.message),
        [],
      );
    }
  });

  it('says what to do when the exchange exists as something other than a durable fanout', async () => {
    const other = `hacron_test_${randomBytes(4).toString('hex')}`;
    const model = await within(amqp.connect(AMQP_URL), 5_000, 'a connection to RabbitMQ');
    model.on('error', () => {});
    try {
      const setup = await model.createChannel();
      await setup.assertExchange(other, 'fanout', { durable: false, autoDelete: false });
      const probe = await model.createChannel();
      probe.on('error', () => {}); // RabbitMQ closes the channel that asked
      await assert.rejects(declareTickExchange(probe, other), (error: Error) => {
        assert.match(
          error.message,
          new RegExp(
            `^the exchange '${other}' exists with other settings than a durable fanout, which ticks need \\(.*` +
              `inequivalent arg 'durable'.*\\): delete it \\(rabbitmqadmin delete exchange name=${other}\\) ` +
              'or choose another \\[Ticks\\] EXCHANGE$',
          ),
        );
        return true;
      });
      await setup.deleteExchange(other);
    } finally {
      await model.close().catch(() => {});
    }
  });
});
