// `pycron worker --queue NAME [-c config.ini]`: the worker process in the foreground, until SIGTERM or SIGINT.
// It needs [AMQP] URL (where runs come from) and [Cluster] DATABASE_URL (which runs started: exactly-once).
import { hostname } from 'node:os';
import { AmqpLink } from '../amqp/amqp-link.ts';
import { applyMigrations } from '../cluster/apply-migrations.ts';
import { PgDatabase } from '../cluster/pg-database.ts';
import { formatDiagnostic } from '../diagnostic.ts';
import { PycronError } from '../errors.ts';
import { createServiceLogger } from '../log/service-logger.ts';
import { PACKAGE_MANIFEST } from '../package-manifest.ts';
import { RemoteRunsStore } from '../remote/remote-runs-store.ts';
import { readPasswordFile } from '../triggers/read-password-file.ts';
import { redactUrl } from '../triggers/trigger-setting-values.ts';
import { Worker } from '../worker/worker.ts';
import { loadSettingsOrExit, type CommonArgs } from './load-context.ts';

const HEARTBEAT_MS = 5_000;

export interface WorkerArgs extends CommonArgs {
  queue: string;
  concurrency: number;
  id?: string;
}

export async function workerCommand(args: WorkerArgs): Promise<number> {
  const { settings, warnings } = loadSettingsOrExit(args);
  const needs = [
    ...(settings.amqpUrl === undefined ? ['[AMQP] URL (where runs come from)'] : []),
    ...(settings.clusterDatabaseUrl === undefined ? ['[Cluster] DATABASE_URL (which runs started)'] : []),
  ];
  if (needs.length > 0) {
    throw new PycronError('CONFIG_BAD_VALUE', {
      where: { file: settings.configFile ?? '(built-in defaults)' },
      reason: `pycron worker needs ${needs.join(' and ')} in config.ini`,
    });
  }
  const logger = createServiceLogger({ level: settings.logLevel, format: settings.logFormat });
  for (const warning of warnings) logger.warn(formatDiagnostic(warning));
  const workerId = args.id ?? `${hostname()}-${process.pid}`;
  const db = new PgDatabase({
    url: settings.clusterDatabaseUrl as string,
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
    onError: (error) => logger.warn(`worker: a database connection broke: ${error.message}`),
  });
  await applyMigrations(db, settings.clusterSchema);
  const store = new RemoteRunsStore(db);
  const identity = {
    id: workerId,
    queue: args.queue,
    host: hostname(),
    pid: process.pid,
    version: PACKAGE_MANIFEST.version,
  };
  await store.heartbeatWorker(identity);
  const heartbeat = setInterval(
    () =>
      void store.heartbeatWorker(identity).catch((error: unknown) => logger.warn(`worker heartbeat: ${String(error)}`)),
    HEARTBEAT_MS,
  );
  let worker!: Worker;
  const url = settings.amqpUrl as string;
  const link = new AmqpLink({
    url,
    ...(settings.amqpPasswordFile
      ? {
          password: readPasswordFile(settings.amqpPasswordFile, {
            file: settings.configFile,
            section: 'AMQP',
            key: 'PASSWORD_FILE',
          }),
        }
      : {}),
    onConnected: (channel) => worker.onConnected(channel),
    onStateChange: (state, error) => {
      if (state === 'connected') logger.info(`worker ${workerId}: consuming ${args.queue} on ${redactUrl(url)}`);
      else if (state === 'disconnected') logger.warn(`worker: RabbitMQ is not reachable (${error?.message}); retrying`);
    },
  });
  worker = new Worker({
    link,
    store,
    exchange: settings.amqpExchange,
    queue: args.queue,
    workerId,
    concurrency: args.concurrency,
    captureBytes: settings.captureBytes,
    killGraceMs: settings.killGraceMs,
    logger,
  });
  link.start();

  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal} received: taking no new runs, waiting for ${worker.runningCount} running`);
      void (async () => {
        await worker.stop();
        clearInterval(heartbeat);
        await store.stopWorker(workerId).catch(() => {});
        await link.close();
        await db.close().catch(() => {});
        logger.info('worker stopped');
        await logger.close();
        resolve();
      })();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await stopped;
  return 0;
}
