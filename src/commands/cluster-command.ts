// `pycron cluster [--job JOB] [-n N] [--json]`: the instances of the cluster, its workers, and who ran what lately,
// read from the cluster's database (no service needed).
import { PgClusterStore } from '../cluster/pg-cluster-store.ts';
import { PgDatabase } from '../cluster/pg-database.ts';
import type { FiringRow, InstanceRow } from '../cluster/cluster-store.ts';
import { PycronError } from '../errors.ts';
import { RemoteRunsStore, type WorkerRow } from '../remote/remote-runs-store.ts';
import { StoredJobsStore } from '../stored-jobs/stored-jobs-store.ts';
import { WORKER_SILENCE_MS } from '../service/cluster-view.ts';
import { readPasswordFile } from '../triggers/read-password-file.ts';
import { alignColumns, type Cell } from './align-columns.ts';
import { formatDuration } from './format-duration.ts';
import { loadSettingsOrExit, type CommonArgs } from './load-context.ts';
import { stdoutWantsColour } from './stdout-wants-colour.ts';

export interface ClusterArgs extends CommonArgs {
  job?: string;
  count: number;
  json?: boolean;
}

export async function clusterCommand(args: ClusterArgs): Promise<number> {
  const { settings } = loadSettingsOrExit(args);
  if (settings.clusterDatabaseUrl === undefined) {
    throw new PycronError('CONFIG_BAD_VALUE', {
      where: { file: settings.configFile ?? '(built-in defaults)', section: 'Cluster', key: 'DATABASE_URL' },
      reason: 'pycron cluster reads the cluster database: config.ini sets no [Cluster] DATABASE_URL',
    });
  }
  const db = new PgDatabase({
    url: settings.clusterDatabaseUrl,
    schema: settings.clusterSchema,
    ...(settings.clusterPasswordFile
      ? {
          password: readPasswordFile(settings.clusterPasswordFile, {
            file: settings.configFile,
            section: 'Cluster',
            key: 'PASSWORD_FILE',
          }),
        }
      : {}),
    max: 1,
    onError: () => {},
  });
  try {
    const tables = await db.query<{ present: boolean }>(`SELECT to_regclass('workers') IS NOT NULL AS present`);
    if (!tables[0]?.present) {
      throw new PycronError('SERVICE_UNREACHABLE', {
        reason: `schema ${settings.clusterSchema} has no cluster tables yet: no instance has started on this database`,
      });
    }
    const store = new PgClusterStore(db);
    // NOTE: a database no instance of this version has migrated yet has no stored jobs (migration 3).
    const [{ stored } = { stored: false }] = await db.query<{ stored: boolean }>(
      `SELECT to_regclass('stored_jobs') IS NOT NULL AS stored`,
    );
    const [instances, firings, workers, categories] = await Promise.all([
      store.instances(),
      store.firings({ ...(args.job !== undefined ? { job: args.job } : {}), limit: args.count }),
      new RemoteRunsStore(db).workers(),
      stored ? new StoredJobsStore(db).categories() : Promise.resolve([]),
    ]);
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ instances, workers, categories, firings }, null, 2)}\n`);
      return 0;
    }
    const colour = stdoutWantsColour();
    const lines = [
      `Instances (${settings.clusterSchema}):`,
      ...indent(
        alignColumns(
          [['ID', 'HOST', 'PID', 'STATE', 'HEARD', 'SKEW', 'RUNNING'], ...instances.map(instanceRow)],
          colour,
        ),
      ),
      '',
      'Workers:',
      ...(workers.length === 0
        ? ['  none (pycron worker --queue NAME)']
        : indent(
            alignColumns([['ID', 'QUEUE', 'HOST', 'STATE', 'HEARD', 'RUNNING'], ...workers.map(workerRow)], colour),
          )),
      '',
      'Stored jobs (PUT /api/v1/categories/NAME):',
      ...(categories.length === 0
        ? ['  none']
        : indent(
            alignColumns(
              [
                ['CATEGORY', 'JOBS', 'CHANGED'],
                ...categories.map((c) => [
                  c.category,
                  String(c.jobs),
                  `${formatDuration(Math.max(0, Date.now() - c.updatedAt))} ago`,
                ]),
              ],
              colour,
            ),
          )),
      '',
      `Latest firings${args.job !== undefined ? ` of ${args.job}` : ''}:`,
      ...(firings.length === 0
        ? ['  none yet']
        : indent(alignColumns([['SLOT', 'JOB', 'INSTANCE', 'STATUS', 'NOTE'], ...firings.map(firingRow)], colour))),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

function instanceRow(row: InstanceRow): (string | Cell)[] {
  const state: Cell = {
    text: row.state,
    tone: row.state === 'alive' ? 'green' : row.state === 'dead' ? 'red' : undefined,
  };
  return [
    row.instanceId,
    row.host,
    String(row.pid),
    state,
    `${formatDuration(Math.max(0, Date.now() - row.heartbeatAt))} ago`,
    row.clockSkewMs === null ? '-' : `${row.clockSkewMs} ms`,
    String(row.running),
  ];
}

function workerRow(row: WorkerRow): (string | Cell)[] {
  const gone = row.state === 'alive' && row.silentMs > WORKER_SILENCE_MS;
  const state: Cell = gone
    ? { text: 'silent', tone: 'red' }
    : { text: row.state, tone: row.state === 'alive' ? 'green' : undefined };
  return [row.workerId, row.queue, row.host, state, `${formatDuration(row.silentMs)} ago`, String(row.running)];
}

function firingRow(row: FiringRow): (string | Cell)[] {
  const tone =
    row.status === 'succeeded'
      ? 'green'
      : row.status === 'running'
        ? 'yellow'
        : row.status === 'released'
          ? undefined
          : 'red';
  return [
    new Date(row.scheduledAt).toISOString(),
    row.job,
    row.instanceId,
    { text: row.status, ...(tone ? { tone } : {}) },
    row.note ?? '',
  ];
}
