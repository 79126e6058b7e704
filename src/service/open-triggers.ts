// Opens the Redis and MQTT triggers that config.ini asks for. As with the HTTP API, one that cannot start is reported
// and the service runs on without it; one whose server is away retries in the background: the schedule never waits.
// Their client libraries are loaded only when configured: together they add about a second to every start.
import { hostname } from 'node:os';
import type { Settings } from '../config/settings.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { defaultInstanceId } from '../triggers/default-instance-id.ts';
import type { TriggerStates } from '../triggers/trigger-states.ts';
import type { Service } from './service.ts';

export interface Triggers {
  /** For GET /health. */
  states(): TriggerStates;
  /** Stops taking triggers; what is not yet taken waits on the servers for the next start. */
  close(): Promise<void>;
}

export async function openTriggers(
  settings: Settings,
  logger: ServiceLogger,
  service: Pick<Service, 'catalog' | 'events' | 'trigger'>,
): Promise<Triggers> {
  const instanceId = defaultInstanceId(hostname(), settings.stateFile);
  const ports = {
    logger,
    lookupJob: (name: string) => service.catalog.get(name),
    trigger: (job: string, args: readonly string[], source: string) => service.trigger(job, args, source),
  };
  const redis =
    settings.redisUrl === undefined
      ? undefined
      : (await import('../triggers/redis/start-redis-triggers.ts')).startRedisTriggers(settings, instanceId, ports);
  const mqtt =
    settings.mqttUrl === undefined
      ? undefined
      : (await import('../triggers/mqtt/start-mqtt-triggers.ts')).startMqttTriggers(settings, instanceId, {
          ...ports,
          events: service.events,
        });
  // A job that asks for triggers its config does not deliver is worth one line, not an error.
  const redisJobs = service.catalog.jobs.filter((job) => job.options.redisTrigger).length;
  const mqttJobs = service.catalog.jobs.filter((job) => job.options.mqttTrigger).length;
  if (settings.redisUrl === undefined && redisJobs > 0)
    logger.info(
      `${redisJobs} job(s) say redis_trigger = true, but [Redis] URL is not set: they take no Redis triggers`,
    );
  if (settings.mqttUrl === undefined && mqttJobs > 0)
    logger.info(`${mqttJobs} job(s) say mqtt_trigger = true, but [MQTT] URL is not set: they take no MQTT triggers`);
  return {
    states: () => ({ redis: redis?.state ?? 'off', mqtt: mqtt?.state ?? 'off' }),
    close: async () => {
      await Promise.all([redis?.close(), mqtt?.close()]);
    },
  };
}
