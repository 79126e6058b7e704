// GET /api/v1/cluster: the instances (which one answers), the workers and the latest firings with who ran each, read
// from the cluster's database, as the dashboard's cluster panel and `pycron cluster` show them.
import { PgClusterStore } from '../cluster/pg-cluster-store.ts';
import type { SqlDatabase } from '../cluster/sql-database.ts';
import type { HttpCluster } from '../http/http-ports.ts';
import { RemoteRunsStore } from '../remote/remote-runs-store.ts';

/** A worker silent this long is shown as silent (it heartbeats every 5 s), as `pycron cluster` does. */
export const WORKER_SILENCE_MS = 15_000;

export interface ClusterViewParts {
  /** The pool for the API's reads. */
  db: SqlDatabase;
  /** This instance's INSTANCE_ID and incarnation. */
  me(): { instanceId: string; incarnation: string };
}

export function clusterView(parts: ClusterViewParts): HttpCluster {
  const workers = new RemoteRunsStore(parts.db);
  const store = new PgClusterStore(parts.db);
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    instanceId: parts.me().instanceId,
    async view(query) {
      const [instances, firings, workerRows] = await Promise.all([
        store.instances(),
        store.firings(query),
        workers.workers(),
      ]);
      const me = parts.me();
      return {
        instance_id: me.instanceId,
        instances: instances.map((i) => ({
          instance_id: i.instanceId,
          incarnation: i.incarnation,
          this_instance: i.incarnation === me.incarnation,
          host: i.host,
          pid: i.pid,
          version: i.version,
          state: i.state,
          started_at: iso(i.startedAt),
          heartbeat_at: iso(i.heartbeatAt),
          lease_ms: i.leaseMs,
          clock_skew_ms: i.clockSkewMs,
          running: i.running,
        })),
        workers: workerRows.map((w) => ({
          worker_id: w.workerId,
          queue: w.queue,
          host: w.host,
          pid: w.pid,
          state: w.state === 'alive' && w.silentMs > WORKER_SILENCE_MS ? 'silent' : w.state,
          silent_ms: w.silentMs,
          running: w.running,
        })),
        firings: firings.map((f) => ({
          job: f.job,
          scheduled_at: iso(f.scheduledAt),
          attempt: f.attempt,
          reason: f.reason,
          run_id: f.runId,
          instance_id: f.instanceId,
          token: f.token,
          status: f.status,
          claimed_at: iso(f.claimedAt),
          ended_at: iso(f.endedAt),
          exit_code: f.exitCode,
          note: f.note,
        })),
      };
    },
  };
}
