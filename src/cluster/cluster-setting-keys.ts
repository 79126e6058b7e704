// config.ini's [Cluster] section: rows of the settings table (config/setting-keys.ts).
import { parsePath } from '../config/setting-values.ts';
import { into, row, type SettingKey } from '../config/setting-row.ts';
import { parseInstanceName } from '../triggers/trigger-setting-values.ts';
import { parseDatabaseUrl, parseLease, parseSchemaName } from './cluster-setting-values.ts';

export const CLUSTER_SETTING_KEYS: readonly SettingKey[] = [
  row({
    section: 'Cluster',
    key: 'DATABASE_URL',
    default: undefined,
    defaultText: 'none: this instance runs alone',
    example: 'postgres://pycron@db.example.org:5432/pycron',
    doc: 'The PostgreSQL database the instances of a cluster share (docs/cluster.md): each firing runs on exactly one of them, and a dead one is taken over within LEASE. Its tables are created and migrated at start. A password in the URL works; PASSWORD_FILE keeps it out of config.ini. Empty: alone.',
    parse: into('clusterDatabaseUrl', parseDatabaseUrl),
  }),
  row({
    section: 'Cluster',
    key: 'PASSWORD_FILE',
    default: undefined,
    defaultText: 'none',
    example: '/etc/pycron/database-password',
    doc: 'A file holding the database password (read at start; keep it mode 0600). It wins over a password in the URL.',
    parse: into('clusterPasswordFile', parsePath),
  }),
  row({
    section: 'Cluster',
    key: 'INSTANCE_ID',
    default: undefined,
    defaultText: "the host's name",
    example: 'scheduler-1',
    doc: "This instance's name in the cluster: its scheduler state is kept in the database under it. Keep it the same across restarts and different for each instance; set it where host names change (containers).",
    parse: into('clusterInstanceId', parseInstanceName),
  }),
  row({
    section: 'Cluster',
    key: 'LEASE',
    default: '1.5',
    example: '5',
    doc: 'Seconds an instance may be silent (no heartbeat, judged by the database clock) before another takes over its running firings. It heartbeats five times per lease. Shorter: faster failover; too short for a loaded host: needless takeovers (harmless: runs are fenced).',
    parse: into('clusterLeaseMs', parseLease),
  }),
  row({
    section: 'Cluster',
    key: 'SCHEMA',
    default: 'pycron',
    example: 'pycron_staging',
    doc: "The PostgreSQL schema holding the cluster's tables: several clusters can share one database.",
    parse: into('clusterSchema', parseSchemaName),
  }),
];
