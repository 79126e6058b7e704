// Newest-first pages of runs: first the runs known only from their run:finished event (pending), then the index,
// walked backwards from the cursor. A cursor names the last run of a page by its slot (or its event number), which
// never changes, so paging is stable while new runs arrive and old ones are dropped.
import { PycronError } from '../errors.ts';
import type { IndexedRun } from './indexed-run.ts';
import { statusMatches, statusOf, type RunEntry, type RunStatus } from './run-entry.ts';
import type { JobRuns, RunIndex } from './run-index.ts';

export const DEFAULT_RUN_LIMIT = 100;
export const MAX_RUN_LIMIT = 1000;
const STATUSES: readonly RunStatus[] = ['ok', 'failed', 'timed_out'];
const CURSOR = /^([tp])(0|[1-9]\d{0,15})$/;

export interface RunQuery {
  job?: string;
  /** `failed` includes the timed-out runs. */
  status?: RunStatus;
  /** Runs that ended at or after this instant (epoch ms). */
  since?: number;
  /** Runs that ended before this instant (epoch ms). */
  until?: number;
  /** Default 100; above 1000 is read as 1000. */
  limit?: number;
  /** The `next` of the previous page. */
  before?: string;
}

export interface RunPage {
  runs: RunEntry[];
  /** Pass as `before` for the next (older) page; null when there is none. */
  next: string | null;
}

/** A run known from its event whose line has not been read from the status log yet. */
export interface PendingRun {
  run: IndexedRun;
  eventNo: number;
}

/** `pending` oldest first. Throws BAD_REQUEST for a malformed query. */
export function queryRuns(index: RunIndex, pending: readonly PendingRun[], query: RunQuery): RunPage {
  const { job, status, since, until } = query;
  const limit = checkQuery(query);
  const cursor = query.before === undefined ? undefined : CURSOR.exec(query.before);
  const found: { entry: RunEntry; cursor: string }[] = [];
  const want = limit + 1;
  const endedInRange = (endedAt: number): boolean =>
    (since === undefined || endedAt >= since) && (until === undefined || endedAt < until);

  if (cursor?.[1] !== 't') {
    const below = cursor ? Number(cursor[2]) : Number.POSITIVE_INFINITY;
    for (let i = pending.length - 1; i >= 0 && found.length < want; i--) {
      const { run, eventNo } = pending[i]!;
      if (eventNo >= below || (job !== undefined && run.job !== job) || !endedInRange(run.endedAt)) continue;
      if (status !== undefined && !statusMatches(statusOf(run), status)) continue;
      found.push({ entry: pendingEntry(run), cursor: `p${eventNo}` });
    }
  }

  const start = cursor?.[1] === 't' ? Math.min(Number(cursor[2]), index.end) - 1 : index.end - 1;
  const visit = (slot: number): boolean => {
    // NOTE: maxEndedAt never decreases with the slot, so once it is below `since` no older slot can match.
    if (since !== undefined && index.maxEndedAt(slot) < since) return false;
    if (index.isDropped(slot) || !endedInRange(index.endedAt(slot))) return true;
    if (status !== undefined && !statusMatches(index.statusAt(slot), status)) return true;
    found.push({ entry: index.entryAt(slot), cursor: `t${slot}` });
    return found.length < want;
  };
  if (job === undefined) {
    for (let slot = start; slot >= index.first && found.length < want; slot--) if (!visit(slot)) break;
  } else {
    const runs = index.job(job);
    if (runs) {
      for (let i = lastAtOrBelow(runs, start); i >= runs.first && found.length < want; i--) {
        if (!visit(runs.slots[i]!)) break;
      }
    }
  }

  return {
    runs: found.slice(0, limit).map((f) => f.entry),
    next: found.length > limit ? found[limit - 1]!.cursor : null,
  };
}

/** The limit to use; throws BAD_REQUEST for a value that is not a query. */
function checkQuery(query: RunQuery): number {
  const bad = (key: string, expected: string, got: unknown): PycronError =>
    new PycronError('BAD_REQUEST', { where: { key }, expected, got });
  if (query.status !== undefined && !STATUSES.includes(query.status))
    throw bad('status', 'ok, failed or timed_out', query.status);
  for (const key of ['since', 'until'] as const) {
    const value = query[key];
    if (value !== undefined && !Number.isFinite(value)) throw bad(key, 'an instant', value);
  }
  if (query.before !== undefined && !CURSOR.test(query.before))
    throw bad('before', 'the next cursor of an earlier page', query.before);
  const limit = query.limit ?? DEFAULT_RUN_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw bad('limit', 'a whole number from 1 to 1000', limit);
  return Math.min(limit, MAX_RUN_LIMIT);
}

/** Index in `runs.slots` of the last slot that is at most `slot`, or first - 1 (slots ascend). */
function lastAtOrBelow(runs: JobRuns, slot: number): number {
  const { slots } = runs;
  let low = runs.first;
  let high = runs.length - 1;
  let found = runs.first - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (slots[mid]! <= slot) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

export function pendingEntry(run: IndexedRun): RunEntry {
  return {
    runId: run.runId,
    job: run.job,
    status: statusOf(run),
    ok: run.ok,
    statusCode: run.statusCode,
    signal: run.signal,
    timedOut: run.timedOut,
    forcefullyTerminated: run.forcefullyTerminated,
    scheduledAt: Number.isNaN(run.scheduledAt) ? null : run.scheduledAt,
    begunAt: Number.isNaN(run.begunAt) ? null : run.begunAt,
    endedAt: run.endedAt,
    durationMs: run.durationMs,
    reasonForRun: run.reasonForRun,
    location: null,
  };
}
