// Starts Redis triggers as config.ini [Redis] says: the connection, the list names, and the consumer. Connection
// changes go to the service log; a password file that cannot be read is an error and Redis triggers stay off.
import type { Settings } from '../../config/settings.ts';
import type { TriggerOutcome } from '../../dispatch/trigger-outcome.ts';
import type { JobSpec } from '../../jobs/job-spec.ts';
import type { ServiceLogger } from '../../log/service-logger.ts';
import { readPasswordFile } from '../read-password-file.ts';
import { MAX_RECONNECT_DELAY_MS } from '../reconnect-delay-ms.ts';
import { redactUrl } from '../trigger-setting-values.ts';
import type { ConnectionState } from '../trigger-states.ts';
import { connectRedisLists } from './connect-redis-lists.ts';
import { RedisTriggerConsumer, type RedisListNames } from './redis-trigger-consumer.ts';

export interface RedisTriggerPorts {
  lookupJob(name: string): JobSpec | undefined;
  trigger(job: string, args: readonly string[], source: string): TriggerOutcome;
  logger: ServiceLogger;
}

export interface RunningRedisTriggers {
  readonly state: ConnectionState;
  close(): Promise<void>;
}

/** Undefined when [Redis] URL is not set, or the password file cannot be read (logged). */
export function startRedisTriggers(
  settings: Pick<
    Settings,
    'configFile' | 'redisUrl' | 'redisList' | 'redisPasswordFile' | 'redisInstanceId' | 'redisDeadLetterList'
  >,
  defaultInstanceId: string,
  ports: RedisTriggerPorts,
): RunningRedisTriggers | undefined {
  const { logger } = ports;
  if (settings.redisUrl === undefined) return undefined;
  const url = redactUrl(settings.redisUrl);
  let password: string | undefined;
  try {
    if (settings.redisPasswordFile !== undefined)
      password = readPasswordFile(settings.redisPasswordFile, {
        file: settings.configFile,
        section: 'Redis',
        key: 'PASSWORD_FILE',
      });
  } catch (error) {
    logger.error(`Redis triggers not started: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  const list = settings.redisList;
  const instanceId = settings.redisInstanceId ?? defaultInstanceId;
  const lists: RedisListNames = {
    list,
    processing: `${list}:processing:${instanceId}`,
    dead: settings.redisDeadLetterList ?? `${list}:dead`,
  };
  const store = connectRedisLists({
    url: settings.redisUrl,
    ...(password === undefined ? {} : { password }),
    clientName: `pycron:${instanceId}`,
    onStateChange: (state, detail) => {
      if (state === 'connected') logger.info(`Redis triggers: connected to ${url}`);
      else if (state === 'reconnecting')
        logger.warn(
          `Redis triggers: no connection to ${url} (${detail ?? 'closed'}); retrying, at most ${MAX_RECONNECT_DELAY_MS / 1000} s apart`,
        );
    },
    onQuietError: (message) => logger.debug(`Redis triggers: ${message}`),
  });
  const consumer = new RedisTriggerConsumer({
    ...ports,
    store,
    lists,
    interrupt: () => store.close(),
    isConnected: () => store.state === 'connected',
  });
  logger.info(`Redis triggers: taking job names from list ${list} on ${url}`, {
    processing_list: lists.processing,
    dead_letter_list: lists.dead,
  });
  consumer.start();
  return {
    get state() {
      return store.state;
    },
    close: () => consumer.stop(),
  };
}
