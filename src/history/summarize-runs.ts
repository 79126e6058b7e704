// One job's runs in a few figures, for the dashboard's job rows and GET /api/v1/jobs: O(1) but for
// consecutiveFailures, which walks back over the failures since the last success.
import { pendingEntry, type PendingRun } from './query-runs.ts';
import type { RunEntry } from './run-entry.ts';
import type { RunIndex } from './run-index.ts';

export interface RunSummary {
  job: string;
  /** Runs in the history (the retention window), and how they ended; failed includes timed out. */
  total: number;
  ok: number;
  failed: number;
  timedOut: number;
  lastRun: RunEntry | null;
  lastSuccess: RunEntry | null;
  lastFailure: RunEntry | null;
  /** Failed runs since the last success (every failed run when the history holds no success). */
  consecutiveFailures: number;
}

/** `pending` oldest first. */
export function summarizeRuns(index: RunIndex, pending: readonly PendingRun[], job: string): RunSummary {
  const summary: RunSummary = {
    job,
    total: 0,
    ok: 0,
    failed: 0,
    timedOut: 0,
    lastRun: null,
    lastSuccess: null,
    lastFailure: null,
    consecutiveFailures: 0,
  };
  let sawSuccess = false;
  for (let i = pending.length - 1; i >= 0; i--) {
    const { run } = pending[i]!;
    if (run.job !== job) continue;
    summary.total++;
    if (run.timedOut) summary.timedOut++;
    if (run.ok) summary.ok++;
    else summary.failed++;
    summary.lastRun ??= pendingEntry(run);
    if (run.ok) summary.lastSuccess ??= pendingEntry(run);
    else summary.lastFailure ??= pendingEntry(run);
    if (run.ok) sawSuccess = true;
    else if (!sawSuccess) summary.consecutiveFailures++;
  }

  const runs = index.job(job);
  if (!runs) return summary;
  summary.total += runs.ok + runs.failed;
  summary.ok += runs.ok;
  summary.failed += runs.failed;
  summary.timedOut += runs.timedOut;
  const entryOf = (slot: number): RunEntry | null => (slot < 0 || index.isDropped(slot) ? null : index.entryAt(slot));
  summary.lastSuccess ??= entryOf(runs.lastOkSlot);
  summary.lastFailure ??= entryOf(runs.lastFailedSlot);
  for (let i = runs.length - 1; i >= runs.first; i--) {
    const slot = runs.slots[i]!;
    if (index.isDropped(slot)) continue;
    summary.lastRun ??= index.entryAt(slot);
    if (sawSuccess || index.isOk(slot)) break;
    summary.consecutiveFailures++;
  }
  return summary;
}
