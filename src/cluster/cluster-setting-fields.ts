// The settings of [Cluster], [AMQP] and [Ticks], read once at start: a reload (SIGHUP) cannot change them.
import type { Settings } from '../config/settings.ts';

export const CLUSTER_SETTING_FIELDS = [
  'clusterDatabaseUrl',
  'clusterPasswordFile',
  'clusterInstanceId',
  'clusterLeaseMs',
  'clusterSchema',
  'amqpUrl',
  'amqpPasswordFile',
  'amqpExchange',
  'amqpResultsQueue',
  'ticksEnabled',
  'ticksExchange',
  'ticksCronTime',
] as const satisfies readonly (keyof Settings)[];
