// What the history keeps of one status record: the small fields a list of runs shows, never its output.
export interface IndexedRun {
  runId: string;
  job: string;
  ok: boolean;
  statusCode: number | null;
  signal: string | null;
  timedOut: boolean;
  forcefullyTerminated: boolean;
  /** Epoch ms; NaN when the record has no readable instant. */
  scheduledAt: number;
  begunAt: number;
  /** Epoch ms, always a number: runs are ordered and kept by it. */
  endedAt: number;
  durationMs: number;
  reasonForRun: string;
}

/** The indexed fields of a status record (parsed from a line, or from an event); undefined when it lacks a run id, a job or an end instant. */
export function indexedRunFromObject(value: unknown): IndexedRun | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  const endedAt = instant(o.ended_at);
  if (typeof o.run_id !== 'string' || o.run_id === '' || typeof o.job !== 'string' || o.job === '') return undefined;
  if (Number.isNaN(endedAt)) return undefined;
  const begunAt = instant(o.begun_at);
  return {
    runId: o.run_id,
    job: o.job,
    ok: o.ok === true,
    statusCode: typeof o.status_code === 'number' ? o.status_code : null,
    signal: typeof o.signal === 'string' ? o.signal : null,
    timedOut: o.timed_out === true,
    forcefullyTerminated: o.forcefully_terminated === true,
    scheduledAt: instant(o.scheduled_at),
    begunAt,
    endedAt,
    durationMs: typeof o.duration_ms === 'number' ? o.duration_ms : endedAt - begunAt,
    reasonForRun: typeof o.reason_for_run === 'string' ? o.reason_for_run : '',
  };
}

function instant(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}
