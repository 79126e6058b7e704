// Cluster mode's run history: every run this instance finishes is written to the database, and the HTTP API (runs,
// one run, the dashboard's strips) answers from the runs of the whole cluster merged with this host's own.
import type { Clock } from '../clock.ts';
import type { SqlDatabase } from '../cluster/sql-database.ts';
import { ClusterRunHistory } from '../cluster-runs/cluster-run-history.ts';
import { ClusterRunRecorder } from '../cluster-runs/cluster-run-recorder.ts';
import { ClusterRunsStore } from '../cluster-runs/cluster-runs-store.ts';
import type { ServiceEventBus } from '../events.ts';
import type { HttpHistory } from '../http/http-ports.ts';
import type { ServiceLogger } from '../log/service-logger.ts';

const RETENTION_EVERY_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ClusterRunsParts {
  db: SqlDatabase;
  /** The pool for the API's reads. */
  readDb: SqlDatabase;
  instanceId: string;
  events: ServiceEventBus;
  /** This host's history over its status log. */
  local: HttpHistory;
  clock: Clock;
  logger: ServiceLogger;
  /** The status log's retention: runs older than this leave the database too. */
  retentionDays: number;
}

export interface ClusterRuns {
  history: HttpHistory;
  /** Writes the runs still waiting (within `graceMs`) and stops. */
  close(graceMs: number): Promise<void>;
}

export function openClusterRuns(parts: ClusterRunsParts): ClusterRuns {
  const { clock, logger } = parts;
  const store = new ClusterRunsStore(parts.db);
  const recorder = new ClusterRunRecorder({ sink: store, instanceId: parts.instanceId, logger });
  const unsubscribe = parts.events.on('run:finished', ({ record }) => recorder.add(record));
  const history = new ClusterRunHistory({
    store: new ClusterRunsStore(parts.readDb),
    local: parts.local,
    instanceId: parts.instanceId,
    clock,
    logger,
  });
  // NOTE: in the background: the first load reads the newest runs of every job, which may take a moment.
  void history.start();
  const removeOld = (): void => {
    store.removeOlderThan(clock.now() - parts.retentionDays * DAY_MS).then(
      (removed) => {
        if (removed > 0)
          logger.info(`cluster run history: ${removed} run(s) older than ${parts.retentionDays} days removed`);
      },
      (error: unknown) => logger.warn(`cluster run history: old runs not removed yet (${String(error)})`),
    );
  };
  const retention = setInterval(removeOld, RETENTION_EVERY_MS);
  retention.unref();
  removeOld();
  return {
    history,
    async close(graceMs) {
      clearInterval(retention);
      unsubscribe();
      history.close();
      await recorder.close(graceMs);
    },
  };
}
