// How a run ended, in the five words of pycron_runs_total{outcome}, read from its status record.
import type { StatusRecord } from '../statuslog/status-record.ts';

export const RUN_OUTCOMES = ['success', 'failure', 'timeout', 'killed', 'spawn_error'] as const;

export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/**
 * Exactly one outcome per record. A timeout wins over the signal that ended it; `spawn_error` is a run whose
 * process never existed (pycron's sentence in `spawn_error`, no pid, no exit); a run recovered after a crash has
 * a sentence too but had a process, so it is a `failure`.
 */
export function runOutcome(record: StatusRecord): RunOutcome {
  if (record.ok) return 'success';
  if (record.timed_out) return 'timeout';
  if (record.spawn_error !== null && record.pid === null && record.status_code === null && record.signal === null) {
    return 'spawn_error';
  }
  if (record.signal !== null) return 'killed';
  return 'failure';
}
