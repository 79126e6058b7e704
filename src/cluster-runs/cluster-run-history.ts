// The run history of a cluster instance: this host's own runs (the index over its status log, which has them at
// once) merged with the runs of the whole cluster from the database (written within moments by each instance), so
// GET /api/v1/runs, one run and the dashboard's strips show every instance's runs, each once.
import type { Clock, Timer } from '../clock.ts';
import { MAX_RECENT_RUNS } from '../http/parse-job-list-query.ts';
import type { RecentRun } from '../http/describe-job.ts';
import type { HttpHistory, RunQuery } from '../http/http-ports.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { statusOf } from '../history/run-entry.ts';
import { unlessDatabaseAway } from '../http/unless-database-away.ts';
import type { ClusterRunSummary, ClusterRunsStore } from './cluster-runs-store.ts';

/** How often the runs of the other instances are looked for (the strips of a dashboard refresh every 15 s). */
export const CLUSTER_RUNS_POLL_MS = 1_000;
/** Rows written just before the newest one seen may commit after it: each poll reads this many back again. */
const SEQ_MARGIN = 1_000;
const POLL_LIMIT = 10_000;
/** Jobs at the first load: the newest MAX_RECENT_RUNS of each, up to this many rows. */
const FIRST_LOAD_LIMIT = 500_000;

export interface ClusterRunHistoryOptions {
  store: Pick<ClusterRunsStore, 'query' | 'get' | 'summaries'>;
  /** This host's own history (historyForHttp over the status log). */
  local: HttpHistory;
  instanceId: string;
  clock: Clock;
  logger: ServiceLogger;
  pollMs?: number;
}

type Entry = Record<string, unknown> & { run_id: string; ended_at: string };

export class ClusterRunHistory implements HttpHistory {
  readonly #options: ClusterRunHistoryOptions;
  /** job → its newest runs of the whole cluster, newest first. */
  readonly #recent = new Map<string, ClusterRunSummary[]>();
  #maxSeq: number | undefined;
  #timer: Timer | undefined;
  #closed = false;
  #failing = false;

  constructor(options: ClusterRunHistoryOptions) {
    this.#options = options;
  }

  /** Loads the newest runs of every job, then follows new ones. Never throws (an unreachable database is logged). */
  async start(): Promise<void> {
    await this.#poll();
    this.#arm();
  }

  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
  }

  async query(query: RunQuery): Promise<readonly unknown[]> {
    const { local, store, instanceId } = this.#options;
    const own = (await local.query(query)) as Entry[];
    let others: Entry[] = [];
    try {
      others = (await store.query(query)).map(({ instanceId: ranOn, record }) => entryOfRecord(record, ranOn));
    } catch (error) {
      // The database away: this host's runs are still an answer.
      this.#warn(error);
    }
    const byId = new Map<string, Entry>();
    for (const entry of others) byId.set(entry.run_id, entry);
    for (const entry of own) byId.set(entry.run_id, { ...entry, instance_id: instanceId });
    return [...byId.values()].sort((a, b) => Date.parse(b.ended_at) - Date.parse(a.ended_at)).slice(0, query.limit);
  }

  async get(runId: string): Promise<unknown> {
    const { local, store } = this.#options;
    let localError: unknown;
    try {
      const own = await local.get(runId);
      if (own !== undefined) return own;
    } catch (error) {
      localError = error; // its file is gone here (retention): the database may still have it
    }
    const found = await unlessDatabaseAway(`run ${runId}`, () => store.get(runId));
    if (found) return found.record;
    if (localError !== undefined) throw localError;
    return undefined;
  }

  recent(job: string, n: number): RecentRun[] {
    const own = this.#options.local.recent(job, n);
    const seen = new Set(own.map((run) => run.run_id));
    const others: RecentRun[] = (this.#recent.get(job) ?? [])
      .filter((run) => !seen.has(run.runId))
      .map((run) => ({
        run_id: run.runId,
        status: statusOf(run),
        duration_ms: run.durationMs,
        ended_at: new Date(run.endedAt).toISOString(),
      }));
    return [...own, ...others].sort((a, b) => Date.parse(b.ended_at) - Date.parse(a.ended_at)).slice(0, n);
  }

  #arm(): void {
    if (this.#closed) return;
    const { clock, pollMs = CLUSTER_RUNS_POLL_MS } = this.#options;
    this.#timer = clock.setTimer(clock.now() + pollMs, () => {
      void this.#poll().finally(() => this.#arm());
    });
  }

  async #poll(): Promise<void> {
    const { store, logger } = this.#options;
    try {
      const after = this.#maxSeq === undefined ? undefined : Math.max(0, this.#maxSeq - SEQ_MARGIN);
      const rows = await store.summaries(
        after,
        MAX_RECENT_RUNS,
        after === undefined ? FIRST_LOAD_LIMIT : POLL_LIMIT + SEQ_MARGIN,
      );
      for (const row of rows) this.#remember(row);
      if (this.#failing) logger.info('cluster run history: the database answers again');
      this.#failing = false;
    } catch (error) {
      this.#warn(error);
    }
  }

  #remember(row: ClusterRunSummary): void {
    if (this.#maxSeq === undefined || row.seq > this.#maxSeq) this.#maxSeq = row.seq;
    const list = this.#recent.get(row.job) ?? [];
    if (list.some((run) => run.runId === row.runId)) return;
    list.push(row);
    list.sort((a, b) => b.endedAt - a.endedAt);
    if (list.length > MAX_RECENT_RUNS) list.length = MAX_RECENT_RUNS;
    this.#recent.set(row.job, list);
  }

  #warn(error: unknown): void {
    if (!this.#failing)
      this.#options.logger.warn(
        `cluster run history: cannot read the cluster's runs (${error instanceof Error ? error.message : String(error)}); this host's own runs are shown`,
      );
    this.#failing = true;
  }
}

/** GET /api/v1/runs's entry (runEntryJson's fields) from a stored status record, with the instance that ran it. */
function entryOfRecord(record: Record<string, unknown>, instanceId: string): Entry {
  const iso = (value: unknown): string | null => {
    const at = typeof value === 'string' ? Date.parse(value) : NaN;
    return Number.isFinite(at) ? new Date(at).toISOString() : null;
  };
  const ok = record.ok === true;
  const timedOut = record.timed_out === true;
  return {
    run_id: String(record.run_id),
    job: String(record.job),
    status: statusOf({ ok, timedOut }),
    ok,
    status_code: typeof record.status_code === 'number' ? record.status_code : null,
    signal: typeof record.signal === 'string' ? record.signal : null,
    timed_out: timedOut,
    forcefully_terminated: record.forcefully_terminated === true,
    scheduled_at: iso(record.scheduled_at),
    begun_at: iso(record.begun_at),
    ended_at: iso(record.ended_at) ?? new Date(0).toISOString(),
    duration_ms: typeof record.duration_ms === 'number' ? record.duration_ms : 0,
    reason_for_run: typeof record.reason_for_run === 'string' ? record.reason_for_run : '',
    instance_id: instanceId,
  };
}
