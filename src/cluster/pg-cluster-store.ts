// Every SQL statement of cluster mode. Leases are judged by the database's clock (now()), never by an instance's:
// HACron's lock TTL shorter than the clock skew between hosts cannot happen here.
import { recordForDatabase } from '../cluster-runs/record-for-database.ts';
import type {
  ClaimOutcome,
  ClaimRequest,
  ClusterStore,
  FiringEnd,
  FiringRow,
  InstanceInfo,
  InstanceRow,
  LiveIncarnation,
  TakenFiring,
} from './cluster-store.ts';
import type { SqlDatabase } from './sql-database.ts';

interface FiringSqlRow {
  job: string;
  scheduled_at: string;
  attempt: number;
  reason: string;
  run_id: string;
  instance_id: string;
  token: string;
  status: FiringRow['status'];
  claimed_at: string;
  ended_at: string | null;
  exit_code: number | null;
  note: string | null;
}

export class PgClusterStore implements ClusterStore {
  private readonly db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.db = db;
  }

  async liveIncarnations(instanceId: string): Promise<LiveIncarnation[]> {
    const rows = await this.db.query<{
      incarnation: string;
      host: string;
      pid: number;
      silent_ms: number;
      lease_ms: number;
    }>(
      `SELECT incarnation, host, pid, lease_ms, (extract(epoch FROM now() - heartbeat_at) * 1000)::float8 AS silent_ms
         FROM instances WHERE instance_id = $1 AND state = 'alive'`,
      [instanceId],
    );
    return rows.map((row) => ({
      incarnation: row.incarnation,
      host: row.host,
      pid: row.pid,
      silentMs: row.silent_ms,
      leaseMs: row.lease_ms,
    }));
  }

  async register(me: InstanceInfo): Promise<void> {
    await this.db.query(
      `INSERT INTO instances (incarnation, instance_id, host, pid, version, lease_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
      [me.incarnation, me.instanceId, me.host, me.pid, me.version, me.leaseMs],
    );
  }

  async heartbeat(incarnation: string, clockSkewMs: number | null): Promise<{ dbNow: number } | 'dead'> {
    const rows = await this.db.query<{ db_now: number }>(
      `UPDATE instances SET heartbeat_at = now(), clock_skew_ms = $2
        WHERE incarnation = $1 AND state = 'alive'
        RETURNING (extract(epoch FROM now()) * 1000)::float8 AS db_now`,
      [incarnation, clockSkewMs],
    );
    return rows[0] ? { dbNow: rows[0].db_now } : 'dead';
  }

  claim(me: InstanceInfo, request: ClaimRequest): Promise<ClaimOutcome> {
    return this.db.transaction(async (tx) => {
      const key = [request.job, String(request.scheduledAt), request.retry];
      if (request.exclusive) {
        // NOTE: one claimer per job at a time, so "is it running elsewhere?" and the insert are one decision.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || $1))`, [request.job]);
        const existing = await tx.query<{ instance_id: string }>(
          `SELECT instance_id FROM firings WHERE job = $1 AND scheduled_at = $2 AND retry = $3`,
          key,
        );
        if (existing[0]) return { kind: 'taken', by: existing[0].instance_id };
        const running = await tx.query<{ instance_id: string; incarnation: string }>(
          `SELECT instance_id, incarnation FROM firings WHERE job = $1 AND status = 'running' AND incarnation <> $2
            LIMIT 1`,
          [request.job, me.incarnation],
        );
        if (running[0]) {
          const by = running[0].instance_id;
          if (!request.recordPassOver) return { kind: 'busy', by };
          await tx.query(
            `INSERT INTO firings (job, scheduled_at, retry, attempt, reason, run_id, incarnation, instance_id, token,
                                  status, claimed_at, ended_at, note)
             VALUES ($1, $2, $3, $10, $4, $5, $6, $7, nextval('fencing_tokens'), 'released', $8, $8, $9)`,
            [
              ...key,
              request.reason,
              request.runId,
              me.incarnation,
              me.instanceId,
              request.claimedAt,
              `not run: the job was running on ${by}`,
              request.attempt,
            ],
          );
          return { kind: 'busy', by };
        }
      }
      const inserted = await tx.query<{ token: string }>(
        `INSERT INTO firings (job, scheduled_at, retry, attempt, reason, run_id, incarnation, instance_id, token,
                              claimed_at)
         VALUES ($1, $2, $3, $9, $4, $5, $6, $7, nextval('fencing_tokens'), $8)
         ON CONFLICT (job, scheduled_at, retry) DO NOTHING
         RETURNING token`,
        [...key, request.reason, request.runId, me.incarnation, me.instanceId, request.claimedAt, request.attempt],
      );
      if (inserted[0]) return { kind: 'claimed', token: Number(inserted[0].token) };
      const owner = await tx.query<{ instance_id: string }>(
        `SELECT instance_id FROM firings WHERE job = $1 AND scheduled_at = $2 AND retry = $3`,
        key,
      );
      return { kind: 'taken', by: owner[0]?.instance_id ?? 'another instance' };
    });
  }

  async end(end: FiringEnd): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE firings SET status = $3, ended_at = $4, exit_code = $5, note = $6, record = $7, recorded_at = now()
        WHERE run_id = $1 AND token = $2 AND status = 'running'
        RETURNING 1 AS ok`,
      [
        end.runId,
        String(end.token),
        end.status,
        String(end.endedAt),
        end.exitCode,
        end.note ?? null,
        // NOTE: as the run history keeps it: a NUL in the output (jsonb refuses it) must never keep a firing running.
        end.record === undefined ? null : recordForDatabase(end.record).record,
      ],
    );
    return rows.length > 0;
  }

  takeOverDead(me: InstanceInfo): Promise<TakenFiring[]> {
    return this.db.transaction(async (tx) => {
      // NOTE: the row lock of UPDATE makes concurrent takers wait; the second finds the instance no longer alive.
      const dead = await tx.query<{ incarnation: string; instance_id: string }>(
        `UPDATE instances SET state = 'dead', taken_over_by = $1, ended_at = now()
          WHERE state = 'alive' AND incarnation <> $1 AND heartbeat_at < now() - lease_ms * interval '1 millisecond'
          RETURNING incarnation, instance_id`,
        [me.incarnation],
      );
      if (dead.length === 0) return [];
      const taken: TakenFiring[] = [];
      for (const instance of dead) {
        const rows = await tx.query<FiringSqlRow>(
          `UPDATE firings SET incarnation = $2, instance_id = $3, token = nextval('fencing_tokens')
            WHERE incarnation = $1 AND status = 'running'
            RETURNING *`,
          [instance.incarnation, me.incarnation, me.instanceId],
        );
        for (const row of rows) {
          taken.push({
            job: row.job,
            scheduledAt: Number(row.scheduled_at),
            attempt: row.attempt,
            reason: row.reason,
            runId: row.run_id,
            token: Number(row.token),
            claimedAt: Number(row.claimed_at),
            from: instance.instance_id,
          });
        }
      }
      return taken;
    });
  }

  async stop(incarnation: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE instances SET state = 'stopped', heartbeat_at = now(), ended_at = now() WHERE incarnation = $1`,
        [incarnation],
      );
      await tx.query(
        `UPDATE firings SET status = 'released', note = 'not run: the instance stopped first'
          WHERE incarnation = $1 AND status = 'running'`,
        [incarnation],
      );
    });
  }

  async instances(): Promise<InstanceRow[]> {
    const rows = await this.db.query<{
      incarnation: string;
      instance_id: string;
      host: string;
      pid: number;
      version: string;
      started_at: Date;
      heartbeat_at: Date;
      lease_ms: number;
      state: InstanceRow['state'];
      clock_skew_ms: number | null;
      running: string;
    }>(
      `SELECT i.*, (SELECT count(*) FROM firings f WHERE f.incarnation = i.incarnation AND f.status = 'running')
                   AS running
         FROM instances i
        WHERE i.state = 'alive' OR i.heartbeat_at > now() - interval '1 day'
        ORDER BY i.instance_id, i.started_at DESC`,
    );
    return rows.map((row) => ({
      incarnation: row.incarnation,
      instanceId: row.instance_id,
      host: row.host,
      pid: row.pid,
      version: row.version,
      startedAt: row.started_at.getTime(),
      heartbeatAt: row.heartbeat_at.getTime(),
      leaseMs: row.lease_ms,
      state: row.state,
      clockSkewMs: row.clock_skew_ms,
      running: Number(row.running),
    }));
  }

  async firings(filter: { job?: string; limit: number }): Promise<FiringRow[]> {
    const rows = await this.db.query<FiringSqlRow>(
      `SELECT job, scheduled_at, attempt, reason, run_id, instance_id, token, status, claimed_at, ended_at, exit_code,
              note
         FROM firings WHERE ($1::text IS NULL OR job = $1)
        ORDER BY claimed_at DESC LIMIT $2`,
      [filter.job ?? null, filter.limit],
    );
    return rows.map((row) => ({
      job: row.job,
      scheduledAt: Number(row.scheduled_at),
      attempt: row.attempt,
      reason: row.reason,
      runId: row.run_id,
      instanceId: row.instance_id,
      token: Number(row.token),
      status: row.status,
      claimedAt: Number(row.claimed_at),
      endedAt: row.ended_at === null ? null : Number(row.ended_at),
      exitCode: row.exit_code,
      note: row.note,
    }));
  }

  async loadState(instanceId: string): Promise<unknown> {
    const rows = await this.db.query<{ state: unknown }>(`SELECT state FROM instance_state WHERE instance_id = $1`, [
      instanceId,
    ]);
    return rows[0]?.state;
  }

  async saveState(instanceId: string, state: object): Promise<void> {
    await this.db.query(
      `INSERT INTO instance_state (instance_id, state) VALUES ($1, $2)
       ON CONFLICT (instance_id) DO UPDATE SET state = EXCLUDED.state, saved_at = now()`,
      [instanceId, JSON.stringify(state)],
    );
  }
}
