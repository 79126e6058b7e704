// The settings the Redis and MQTT triggers read once, when they open: a reload (SIGHUP) cannot change them.
import type { Settings } from '../config/settings.ts';

export const TRIGGER_SETTING_FIELDS = [
  'redisUrl',
  'redisList',
  'redisPasswordFile',
  'redisInstanceId',
  'redisDeadLetterList',
  'mqttUrl',
  'mqttTopicPrefix',
  'mqttUsername',
  'mqttPasswordFile',
  'mqttClientId',
  'mqttPublishRuns',
  'mqttRunsTopicPrefix',
] as const satisfies readonly (keyof Settings)[];
