// The SQL of remote runs and workers (tables of migration 2).
import type { SqlDatabase } from '../cluster/sql-database.ts';
import type { RemoteResultMessage, RemoteRunMessage } from './remote-messages.ts';

export type RemoteRunStatus =
  'publishing' | 'queued' | 'running' | 'finished' | 'failed' | 'interrupted' | 'unroutable';

export interface RemoteRunRow {
  runId: string;
  job: string;
  status: RemoteRunStatus;
  worker: string | null;
}

export interface WorkerRow {
  workerId: string;
  queue: string;
  host: string;
  pid: number;
  /** alive or stopped; an alive worker silent for long (more than 15 s) has died. */
  state: string;
  silentMs: number;
  running: number;
}

export class RemoteRunsStore {
  private readonly db: Pick<SqlDatabase, 'query'>;

  constructor(db: Pick<SqlDatabase, 'query'>) {
    this.db = db;
  }

  /** The outbox row, written before the message is published. */
  async add(message: RemoteRunMessage, instanceId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO remote_runs (run_id, job, routing_key, instance_id, reply_to, message) VALUES ($1, $2, $3, $4, $5, $6)`,
      [message.run_id, message.job_id, message.routing_key, instanceId, message.reply_to, JSON.stringify(message)],
    );
  }

  /** publishing -> queued (the broker has it), or -> unroutable / failed (it never went out). */
  async markSent(runId: string, status: 'queued' | 'unroutable' | 'failed', error?: string): Promise<void> {
    await this.db.query(
      `UPDATE remote_runs SET status = $2, ended_at = CASE WHEN $2 = 'queued' THEN NULL ELSE now() END,
              result = CASE WHEN $3::text IS NULL THEN result ELSE jsonb_build_object('error', $3::text) END
        WHERE run_id = $1 AND status = 'publishing'`,
      [runId, status, error ?? null],
    );
  }

  /** A worker takes the run: true only for the first taker, while the run is not yet started. */
  async start(runId: string, worker: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE remote_runs SET status = 'running', worker = $2, started_at = now()
        WHERE run_id = $1 AND status IN ('publishing', 'queued') RETURNING 1 AS ok`,
      [runId, worker],
    );
    return rows.length > 0;
  }

  /** The run's end, by the worker that runs it: false when it was marked interrupted meanwhile. */
  async finish(runId: string, worker: string, result: RemoteResultMessage): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE remote_runs SET status = $3, ended_at = now(), exit_code = $4, result = $5
        WHERE run_id = $1 AND status = 'running' AND worker = $2 RETURNING 1 AS ok`,
      [runId, worker, result.status, result.exit_code, JSON.stringify(result)],
    );
    return rows.length > 0;
  }

  /** A redelivered run whose worker went away mid-run: interrupted, once (true for the one that marked it). */
  async interrupt(runId: string, result: RemoteResultMessage): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE remote_runs SET status = 'interrupted', ended_at = now(), result = $2
        WHERE run_id = $1 AND status = 'running' RETURNING 1 AS ok`,
      [runId, JSON.stringify(result)],
    );
    return rows.length > 0;
  }

  async get(runId: string): Promise<RemoteRunRow | undefined> {
    const rows = await this.db.query<{ run_id: string; job: string; status: RemoteRunStatus; worker: string | null }>(
      `SELECT run_id, job, status, worker FROM remote_runs WHERE run_id = $1`,
      [runId],
    );
    const row = rows[0];
    return row && { runId: row.run_id, job: row.job, status: row.status, worker: row.worker };
  }

  async heartbeatWorker(worker: {
    id: string;
    queue: string;
    host: string;
    pid: number;
    version: string;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO workers (worker_id, queue, host, pid, version) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (worker_id) DO UPDATE SET queue = $2, host = $3, pid = $4, version = $5, heartbeat_at = now(),
                                             state = 'alive'`,
      [worker.id, worker.queue, worker.host, worker.pid, worker.version],
    );
  }

  /** Workers heard from in the last day, newest first; `silentMs` by the database's clock. */
  async workers(): Promise<WorkerRow[]> {
    const rows = await this.db.query<{
      worker_id: string;
      queue: string;
      host: string;
      pid: number;
      state: string;
      silent_ms: number;
      running: string;
    }>(
      `SELECT w.worker_id, w.queue, w.host, w.pid, w.state,
              (extract(epoch FROM now() - w.heartbeat_at) * 1000)::float8 AS silent_ms,
              (SELECT count(*) FROM remote_runs r WHERE r.worker = w.worker_id AND r.status = 'running') AS running
         FROM workers w WHERE w.heartbeat_at > now() - interval '1 day' ORDER BY w.heartbeat_at DESC`,
    );
    return rows.map((row) => ({
      workerId: row.worker_id,
      queue: row.queue,
      host: row.host,
      pid: row.pid,
      state: row.state,
      silentMs: Math.round(row.silent_ms),
      running: Number(row.running),
    }));
  }

  async stopWorker(id: string): Promise<void> {
    await this.db.query(`UPDATE workers SET state = 'stopped', heartbeat_at = now() WHERE worker_id = $1`, [id]);
  }
}
