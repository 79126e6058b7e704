// [Ticks] ENABLED: HACron's tick on the AMQP link at each CRON_TIME instant; in a cluster, claimed like a firing
// (job `tick:EXCHANGE`), so one instance publishes each tick.
import { randomUUID } from 'node:crypto';
import type { AmqpLink } from '../amqp/amqp-link.ts';
import type { Clock } from '../clock.ts';
import type { Settings } from '../config/settings.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { tickPublishOptions } from '../ticks/tick-publish-options.ts';
import { TickPublisher } from '../ticks/tick-publisher.ts';
import type { Cluster } from './open-cluster.ts';

/** How long a tick waits for a broker that is away: a tick that arrives late is worse than none. */
const TICK_PUBLISH_WAIT_MS = 2_000;

export function openTicks(
  settings: Settings,
  logger: ServiceLogger,
  clock: Clock,
  link: AmqpLink | undefined,
  cluster: Cluster | undefined,
): TickPublisher | undefined {
  if (!settings.ticksEnabled) return undefined;
  if (!link) {
    logger.error('[Ticks] ENABLED = true needs [AMQP] URL: no ticks are published');
    return undefined;
  }
  const job = `tick:${settings.ticksExchange}`;
  const ticks = new TickPublisher({
    clock,
    timezone: settings.timezone,
    cronTime: settings.ticksCronTime,
    exchange: settings.ticksExchange,
    publish: (exchange, body) => link.publish(exchange, '', body, tickPublishOptions(body), TICK_PUBLISH_WAIT_MS),
    claim: async (tickAt) => {
      if (!cluster) return true;
      const runId = randomUUID();
      const outcome = await cluster.coordinator.claim({
        job,
        scheduledAt: tickAt,
        retry: false,
        attempt: 1,
        reason: 'tick',
        runId,
        exclusive: false,
      });
      if (outcome?.kind !== 'claimed') return false;
      // A tick is over once published: its firing is recorded as such at once.
      cluster.coordinator.recordEnd(
        { runId, token: outcome.token, status: 'succeeded', endedAt: clock.now(), exitCode: 0, note: 'tick' },
        job,
      );
      return true;
    },
    logger,
    newId: () => randomUUID().replaceAll('-', ''),
  });
  ticks.start();
  logger.info(`ticks: publishing HACron ticks on ${settings.ticksExchange} at ${settings.ticksCronTime}`);
  return ticks;
}
