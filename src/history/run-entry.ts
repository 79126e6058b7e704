// One run as the history answers it: the small fields of its status record and where the full record lies.

/** `failed` is every run that did not succeed; `timed_out` the failed runs that reached their timeout. */
export type RunStatus = 'ok' | 'failed' | 'timed_out';

export interface RunLocation {
  /** A file name in LOGS_FOLDER (job_status-YYYY-MM-DD.log). */
  file: string;
  offset: number;
  length: number;
}

export interface RunEntry {
  runId: string;
  job: string;
  /** The most specific of ok, timed_out, failed. */
  status: RunStatus;
  ok: boolean;
  statusCode: number | null;
  signal: string | null;
  timedOut: boolean;
  forcefullyTerminated: boolean;
  /** Epoch ms, null when the record has none. */
  scheduledAt: number | null;
  begunAt: number | null;
  endedAt: number;
  durationMs: number;
  reasonForRun: string;
  /** Where its line is; null while the record is known from the run:finished event only. */
  location: RunLocation | null;
}

export function statusOf(run: { ok: boolean; timedOut: boolean }): RunStatus {
  if (run.ok) return 'ok';
  return run.timedOut ? 'timed_out' : 'failed';
}

/** Whether a run of `status` is among the runs a `wanted` filter asks for (failed includes timed_out). */
export function statusMatches(status: RunStatus, wanted: RunStatus): boolean {
  return wanted === status || (wanted === 'failed' && status === 'timed_out');
}

/** The entry with the status record's key names and ISO 8601 instants, for JSON answers. */
export function runEntryJson(entry: RunEntry): Record<string, unknown> {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    run_id: entry.runId,
    job: entry.job,
    status: entry.status,
    ok: entry.ok,
    status_code: entry.statusCode,
    signal: entry.signal,
    timed_out: entry.timedOut,
    forcefully_terminated: entry.forcefullyTerminated,
    scheduled_at: iso(entry.scheduledAt),
    begun_at: iso(entry.begunAt),
    ended_at: iso(entry.endedAt),
    duration_ms: entry.durationMs,
    reason_for_run: entry.reasonForRun,
  };
}
