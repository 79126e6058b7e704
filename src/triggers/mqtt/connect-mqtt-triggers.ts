// The MQTT side of pycron: one client with a persistent session (clean session off, a stable client id), so QoS 1
// triggers published while the service is down arrive when it is back. It subscribes to PREFIX# and triggers the
// jobs named by the topics; with MQTT_PUBLISH_RUNS it publishes each finished run's record. It reconnects with a
// growing delay and never holds up the scheduler: triggers go through the service like any other.
import mqtt from 'mqtt';
import type { TriggerOutcome } from '../../dispatch/trigger-outcome.ts';
import type { ServiceEventBus } from '../../events.ts';
import type { JobSpec } from '../../jobs/job-spec.ts';
import type { ServiceLogger } from '../../log/service-logger.ts';
import type { StatusRecord } from '../../statuslog/status-record.ts';
import { reconnectDelayMs } from '../reconnect-delay-ms.ts';
import type { ConnectionState } from '../trigger-states.ts';
import { decideMqttMessage } from './decide-mqtt-message.ts';
import { runRecordPayload } from './run-record-payload.ts';

export interface MqttTriggersOptions {
  url: string;
  clientId: string;
  username?: string;
  /** From PASSWORD_FILE; wins over a password in the URL. */
  password?: string;
  /** Ends in a slash: a message on PREFIX + JOB triggers JOB. */
  triggerPrefix: string;
  /** Ends in a slash; undefined: run records are not published. */
  runsPrefix: string | undefined;
  events: Pick<ServiceEventBus, 'on'>;
  lookupJob(name: string): JobSpec | undefined;
  /** The service's trigger: through the job's overlap policy. */
  trigger(job: string, args: readonly string[], source: string): TriggerOutcome;
  logger: ServiceLogger;
  /** Called on each change of state; `detail` says why a connection was lost or refused. */
  onStateChange(state: ConnectionState, detail?: string): void;
}

export interface MqttTriggers {
  readonly state: ConnectionState;
  /** Disconnects (the broker keeps the session and queues QoS 1 triggers for the next start). */
  close(): Promise<void>;
}

/** Run records waiting for the broker beyond this many are not published (the broker may be gone for days). */
export const MAX_UNSENT_RUN_RECORDS = 1000;
const CONNECT_TIMEOUT_MS = 10_000;
const KEEPALIVE_S = 30;
const CLOSE_WAIT_MS = 2_000;

export function connectMqttTriggers(options: MqttTriggersOptions): MqttTriggers {
  const { logger } = options;
  let state: ConnectionState = 'connecting';
  let lastError: string | undefined;
  let failedAttempts = 0;
  let unsent = 0;
  let dropping = false;
  const setState = (next: ConnectionState, detail?: string): void => {
    if (next === state) return;
    state = next;
    options.onStateChange(next, detail);
  };

  const client = mqtt.connect(options.url, {
    clientId: options.clientId,
    // NOTE: MQTT 3.1.1 with clean session off: the session (subscription and queued QoS 1 messages) outlives a
    // disconnect. With MQTT 5 it would also need a session expiry interval.
    protocolVersion: 4,
    clean: false,
    reconnectPeriod: reconnectDelayMs(0),
    reconnectOnConnackError: true,
    resubscribe: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
    keepalive: KEEPALIVE_S,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
  });

  client.on('connect', () => {
    failedAttempts = 0;
    lastError = undefined;
    client.options.reconnectPeriod = reconnectDelayMs(0);
    setState('connected');
    // Every time, not only without a session: TOPIC_PREFIX may have changed since the session was made.
    client.subscribe(`${options.triggerPrefix}#`, { qos: 1 }, (error, granted) => {
      const refused = error?.message ?? (granted?.[0]?.qos === 128 ? 'the broker refused the subscription' : undefined);
      if (refused) logger.error(`MQTT triggers: cannot subscribe to ${options.triggerPrefix}#: ${refused}`);
    });
  });
  // mqtt.js waits reconnectPeriod before each attempt: grow it after each failure.
  client.on('reconnect', () => {
    client.options.reconnectPeriod = reconnectDelayMs(++failedAttempts);
  });
  client.on('error', (error) => {
    lastError = error.message;
    if (state === 'reconnecting') logger.debug(`MQTT triggers: ${error.message}`);
  });
  client.on('close', () => {
    if (state === 'off') return;
    setState('reconnecting', lastError ?? 'the connection closed');
  });
  client.on('message', (topic, payload, packet) => {
    const decision = decideMqttMessage(
      { topic, payload, retain: packet.retain },
      options.triggerPrefix,
      options.lookupJob,
    );
    if (decision.kind === 'refuse') {
      logger.warn(`MQTT message on ${topic} ignored: ${decision.reason}`);
      return;
    }
    try {
      const outcome = options.trigger(decision.job, decision.args, `mqtt ${topic}`);
      logger.info(`MQTT trigger of ${decision.job}: ${outcome.kind}: ${outcome.message}`);
    } catch (error) {
      logger.warn(`MQTT message on ${topic} ignored: ${error instanceof Error ? error.message : String(error)}`);
    }
  });

  const publishRun = (record: StatusRecord): void => {
    if (options.runsPrefix === undefined) return;
    // A job name with a wildcard character cannot be a topic to publish on.
    if (/[+#]/.test(record.job))
      return logger.debug(`MQTT: no run record for ${record.job}: + and # cannot be in a topic`);
    if (unsent >= MAX_UNSENT_RUN_RECORDS) {
      if (!dropping) logger.warn(`MQTT: ${unsent} run records wait for the broker; newer ones are not published`);
      dropping = true;
      return;
    }
    unsent++;
    client.publish(`${options.runsPrefix}${record.job}`, runRecordPayload(record), { qos: 1 }, (error) => {
      unsent--;
      if (unsent === 0) dropping = false;
      if (error && state !== 'off') logger.warn(`MQTT: run record of ${record.job} not published: ${error.message}`);
    });
  };
  const stopPublishing = options.events.on('run:finished', ({ record }) => publishRun(record));

  return {
    get state() {
      return state;
    },
    async close() {
      if (state === 'off') return;
      stopPublishing();
      setState('off');
      // A polite DISCONNECT when the broker is there (the session stays); otherwise, or if that hangs, cut it.
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([
        new Promise<boolean>((resolve) => client.end(!client.connected, {}, () => resolve(true))),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_WAIT_MS))),
      ]);
      clearTimeout(timer);
      if (!ended) client.stream?.destroy();
    },
  };
}
