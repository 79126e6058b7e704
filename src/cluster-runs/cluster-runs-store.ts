// The SQL of the cluster's run history (table `runs`): each instance writes its finished runs; any instance reads
// the runs of all, newest first, filtered as GET /api/v1/runs asks.
import type { SqlDatabase, SqlValue } from '../cluster/sql-database.ts';
import type { RunQuery } from '../http/http-ports.ts';
import type { StatusRecord } from '../statuslog/status-record.ts';
import { recordForDatabase, type DatabaseRecord } from './record-for-database.ts';

/** A run as the job strips show it, and the row's place in write order. */
export interface ClusterRunSummary {
  seq: number;
  runId: string;
  job: string;
  instanceId: string;
  ok: boolean;
  timedOut: boolean;
  durationMs: number;
  endedAt: number;
}

/** One finished run to write, with the instance that ran it. */
export interface ClusterRunRow {
  instanceId: string;
  record: StatusRecord;
  /** The record as the database keeps it (recordForDatabase); made from `record` when left out. */
  stored?: DatabaseRecord;
}

const SUMMARY = 'seq, run_id, job, instance_id, ok, timed_out, duration_ms, ended_at';

interface SummaryRow {
  seq: string;
  run_id: string;
  job: string;
  instance_id: string;
  ok: boolean;
  timed_out: boolean;
  duration_ms: string;
  ended_at: string;
}

export class ClusterRunsStore {
  readonly #db: Pick<SqlDatabase, 'query'>;

  constructor(db: Pick<SqlDatabase, 'query'>) {
    this.#db = db;
  }

  /** Writes the runs in one statement; a run written before (a retry after a lost answer) is left as it is. */
  async insert(rows: readonly ClusterRunRow[]): Promise<void> {
    if (rows.length === 0) return;
    const values: SqlValue[] = [];
    const tuples = rows.map(({ instanceId, record, stored = recordForDatabase(record) }) => {
      const at = values.length;
      values.push(
        record.run_id,
        record.job,
        instanceId,
        record.ok,
        record.timed_out,
        Math.round(record.duration_ms),
        Date.parse(record.ended_at),
        stored.entry,
        stored.record,
      );
      return `(${[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `$${at + n}`).join(', ')})`;
    });
    await this.#db.query(
      `INSERT INTO runs (run_id, job, instance_id, ok, timed_out, duration_ms, ended_at, entry, record)
         VALUES ${tuples.join(', ')} ON CONFLICT (run_id) DO NOTHING`,
      values,
    );
  }

  /** Newest first; `failed` includes the timed-out runs. Each with its record but the output (the small `entry`). */
  async query(query: RunQuery): Promise<{ instanceId: string; record: Record<string, unknown> }[]> {
    const where: string[] = [];
    const values: SqlValue[] = [];
    if (query.job !== undefined) {
      values.push(query.job);
      where.push(`job = $${values.length}`);
    }
    if (query.status === 'ok') where.push('ok');
    if (query.status === 'failed') where.push('NOT ok');
    if (query.since !== undefined) {
      values.push(query.since);
      where.push(`ended_at >= $${values.length}`);
    }
    values.push(query.limit);
    const rows = await this.#db.query<{ instance_id: string; record: Record<string, unknown> }>(
      `SELECT instance_id, entry AS record FROM runs
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY ended_at DESC, seq DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map((row) => ({ instanceId: row.instance_id, record: row.record }));
  }

  /** One run's whole record, or undefined. */
  async get(runId: string): Promise<{ instanceId: string; record: StatusRecord } | undefined> {
    const [row] = await this.#db.query<{ instance_id: string; record: StatusRecord }>(
      'SELECT instance_id, record FROM runs WHERE run_id = $1',
      [runId],
    );
    return row ? { instanceId: row.instance_id, record: row.record } : undefined;
  }

  /** Runs written after `afterSeq` (or the newest `perJob` of each job when afterSeq is undefined), in write order. */
  async summaries(afterSeq: number | undefined, perJob: number, limit: number): Promise<ClusterRunSummary[]> {
    const rows =
      afterSeq === undefined
        ? await this.#db.query<SummaryRow>(
            `SELECT ${SUMMARY} FROM (
               SELECT *, row_number() OVER (PARTITION BY job ORDER BY ended_at DESC) AS place FROM runs
             ) newest WHERE place <= $1 ORDER BY seq LIMIT $2`,
            [perJob, limit],
          )
        : await this.#db.query<SummaryRow>(`SELECT ${SUMMARY} FROM runs WHERE seq > $1 ORDER BY seq LIMIT $2`, [
            afterSeq,
            limit,
          ]);
    return rows.map((row) => ({
      seq: Number(row.seq),
      runId: row.run_id,
      job: row.job,
      instanceId: row.instance_id,
      ok: row.ok,
      timedOut: row.timed_out,
      durationMs: Number(row.duration_ms),
      endedAt: Number(row.ended_at),
    }));
  }

  /** Removes the runs that ended before `before` (the status log's retention); how many. */
  async removeOlderThan(before: number): Promise<number> {
    const rows = await this.#db.query<{ count: string }>(
      'WITH gone AS (DELETE FROM runs WHERE ended_at < $1 RETURNING 1) SELECT count(*) AS count FROM gone',
      [before],
    );
    return Number(rows[0]?.count ?? 0);
  }
}
