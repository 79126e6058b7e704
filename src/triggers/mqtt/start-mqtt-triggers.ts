// Starts MQTT triggers (and run records) as config.ini [MQTT] says. Connection changes go to the service log; a
// password file that cannot be read is an error and MQTT stays off.
import type { Settings } from '../../config/settings.ts';
import type { TriggerOutcome } from '../../dispatch/trigger-outcome.ts';
import type { ServiceEventBus } from '../../events.ts';
import type { JobSpec } from '../../jobs/job-spec.ts';
import type { ServiceLogger } from '../../log/service-logger.ts';
import { readPasswordFile } from '../read-password-file.ts';
import { MAX_RECONNECT_DELAY_MS } from '../reconnect-delay-ms.ts';
import { redactUrl } from '../trigger-setting-values.ts';
import { connectMqttTriggers, type MqttTriggers } from './connect-mqtt-triggers.ts';

export interface MqttTriggerPorts {
  events: Pick<ServiceEventBus, 'on'>;
  lookupJob(name: string): JobSpec | undefined;
  trigger(job: string, args: readonly string[], source: string): TriggerOutcome;
  logger: ServiceLogger;
}

/** Undefined when [MQTT] URL is not set, or the password file cannot be read (logged). */
export function startMqttTriggers(
  settings: Pick<
    Settings,
    | 'configFile'
    | 'mqttUrl'
    | 'mqttTopicPrefix'
    | 'mqttUsername'
    | 'mqttPasswordFile'
    | 'mqttClientId'
    | 'mqttPublishRuns'
    | 'mqttRunsTopicPrefix'
  >,
  defaultInstanceId: string,
  ports: MqttTriggerPorts,
): MqttTriggers | undefined {
  const { logger } = ports;
  if (settings.mqttUrl === undefined) return undefined;
  const url = redactUrl(settings.mqttUrl);
  let password: string | undefined;
  try {
    if (settings.mqttPasswordFile !== undefined)
      password = readPasswordFile(settings.mqttPasswordFile, {
        file: settings.configFile,
        section: 'MQTT',
        key: 'PASSWORD_FILE',
      });
  } catch (error) {
    logger.error(`MQTT triggers not started: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  const clientId = settings.mqttClientId ?? `pycron-${defaultInstanceId}`;
  const runsPrefix = settings.mqttPublishRuns ? settings.mqttRunsTopicPrefix : undefined;
  logger.info(`MQTT triggers: subscribing to ${settings.mqttTopicPrefix}# on ${url}`, {
    client_id: clientId,
    run_records: runsPrefix === undefined ? 'off' : `${runsPrefix}JOB`,
  });
  return connectMqttTriggers({
    ...ports,
    url: settings.mqttUrl,
    clientId,
    ...(settings.mqttUsername === undefined ? {} : { username: settings.mqttUsername }),
    ...(password === undefined ? {} : { password }),
    triggerPrefix: settings.mqttTopicPrefix,
    runsPrefix,
    onStateChange: (state, detail) => {
      if (state === 'connected') logger.info(`MQTT triggers: connected to ${url}`);
      else if (state === 'reconnecting')
        logger.warn(
          `MQTT triggers: no connection to ${url} (${detail ?? 'closed'}); retrying, at most ${MAX_RECONNECT_DELAY_MS / 1000} s apart`,
        );
    },
  });
}
