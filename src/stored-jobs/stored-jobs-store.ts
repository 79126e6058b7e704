// The SQL of stored jobs: a category replaced whole in one transaction, and the snapshot every instance loads.
import type { SqlDatabase } from '../cluster/sql-database.ts';
import type { StoredJob } from './stored-job.ts';

/** What a PUT of a category did, by job name within it (sorted). */
export interface CategoryChange {
  category: string;
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: string[];
  /** The revision after it (unchanged when nothing was). */
  revision: number;
}

export interface StoredJobsSnapshot {
  revision: number;
  jobs: StoredJob[];
}

export interface CategorySummary {
  category: string;
  jobs: number;
  /** Latest change of one of its jobs (ms since the epoch). */
  updatedAt: number;
}

interface StoredJobRow {
  category: string;
  name: string;
  schedule: string;
  command: string;
  routing_key: string | null;
  options: Record<string, string>;
}

const COLUMNS = 'category, name, schedule, command, routing_key, options';
/** Byte order, as JavaScript sorts the names of a change: the database's collation may put `Test Job` after `nightly`. */
const IN_CODE_ORDER = 'COLLATE "C"';

export class StoredJobsStore {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  /** Makes `jobs` the whole of `category`: added, updated and removed in one transaction. [] empties it. */
  replaceCategory(category: string, jobs: readonly StoredJob[]): Promise<CategoryChange> {
    return this.#db.transaction(async (tx) => {
      // NOTE: first, so two PUTs (of any categories) are one after the other and the revision counts each change.
      const [locked] = await tx.query<{ revision: string }>(
        'SELECT revision FROM stored_jobs_revision WHERE id = 1 FOR UPDATE',
      );
      const current = new Map(
        (await tx.query<StoredJobRow>(`SELECT ${COLUMNS} FROM stored_jobs WHERE category = $1`, [category])).map(
          (row) => [row.name, fromRow(row)],
        ),
      );
      const change: CategoryChange = {
        category,
        added: [],
        updated: [],
        removed: [],
        unchanged: [],
        revision: Number(locked?.revision ?? 0),
      };
      const wanted = new Set(jobs.map((job) => job.name));
      for (const name of current.keys()) if (!wanted.has(name)) change.removed.push(name);
      for (const job of jobs) {
        const before = current.get(job.name);
        if (!before) change.added.push(job.name);
        else if (sameJob(before, job)) change.unchanged.push(job.name);
        else change.updated.push(job.name);
      }
      if (change.removed.length > 0)
        await tx.query('DELETE FROM stored_jobs WHERE category = $1 AND name = ANY($2)', [category, change.removed]);
      const written = new Set([...change.added, ...change.updated]);
      for (const job of jobs.filter((j) => written.has(j.name))) {
        await tx.query(
          `INSERT INTO stored_jobs (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (category, name) DO UPDATE SET schedule = EXCLUDED.schedule, command = EXCLUDED.command,
               routing_key = EXCLUDED.routing_key, options = EXCLUDED.options, updated_at = now()`,
          [category, job.name, job.schedule, job.command, job.routingKey, JSON.stringify(job.options)],
        );
      }
      if (written.size > 0 || change.removed.length > 0) {
        const [bumped] = await tx.query<{ revision: string }>(
          'UPDATE stored_jobs_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision',
        );
        change.revision = Number(bumped?.revision ?? change.revision);
      }
      for (const list of [change.added, change.updated, change.removed, change.unchanged]) list.sort();
      return change;
    });
  }

  /** The revision alone: what an instance polls to notice a change. */
  async revision(): Promise<number> {
    const [row] = await this.#db.query<{ revision: string }>('SELECT revision FROM stored_jobs_revision WHERE id = 1');
    return Number(row?.revision ?? 0);
  }

  /** Every stored job, with the revision they are at (or older: a later poll then loads them again). */
  async snapshot(): Promise<StoredJobsSnapshot> {
    // NOTE: the revision before the rows: a change committed in between is seen as a newer revision next time.
    const revision = await this.revision();
    const rows = await this.#db.query<StoredJobRow>(
      `SELECT ${COLUMNS} FROM stored_jobs ORDER BY category ${IN_CODE_ORDER}, name ${IN_CODE_ORDER}`,
    );
    return { revision, jobs: rows.map(fromRow) };
  }

  async category(category: string): Promise<StoredJob[]> {
    const rows = await this.#db.query<StoredJobRow>(
      `SELECT ${COLUMNS} FROM stored_jobs WHERE category = $1 ORDER BY name ${IN_CODE_ORDER}`,
      [category],
    );
    return rows.map(fromRow);
  }

  async categories(): Promise<CategorySummary[]> {
    const rows = await this.#db.query<{ category: string; jobs: string; updated_ms: string }>(
      `SELECT category, count(*) AS jobs, (extract(epoch FROM max(updated_at)) * 1000)::bigint AS updated_ms
         FROM stored_jobs GROUP BY category ORDER BY category ${IN_CODE_ORDER}`,
    );
    return rows.map((row) => ({ category: row.category, jobs: Number(row.jobs), updatedAt: Number(row.updated_ms) }));
  }
}

function fromRow(row: StoredJobRow): StoredJob {
  return {
    category: row.category,
    name: row.name,
    schedule: row.schedule,
    command: row.command,
    routingKey: row.routing_key,
    options: row.options ?? {},
  };
}

function sameJob(a: StoredJob, b: StoredJob): boolean {
  const options = (job: StoredJob): string =>
    JSON.stringify(Object.entries(job.options).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return (
    a.schedule === b.schedule && a.command === b.command && a.routingKey === b.routingKey && options(a) === options(b)
  );
}
