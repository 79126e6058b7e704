// The supervisor's book on one proc: its spec, its running copy, its pending restart, its counters.
import type { Timer } from '../clock.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { RunningJob } from '../runner/spawn-job.ts';
import type { Firing } from '../scheduler/firing.ts';
import type { ProcExit, ProcState, ProcStatus } from './proc-status.ts';
import type { FileChangeWatch } from './watch-file-changes.ts';

export type StopIntent = { kind: 'restart'; reason: string } | { kind: 'remove' } | { kind: 'shutdown' };

export interface ProcRun {
  runId: string;
  /** scheduledAt: when the start was due (before an orphan was stopped); source: the record's reason_for_run. */
  firing: Firing;
  startedAt: number;
  child: RunningJob;
  /** Set when the supervisor stops the run itself: then the exit is not a crash and arms no restart. */
  stopIntent: StopIntent | undefined;
  /** Resolves once the exit is recorded. */
  ended: Promise<void>;
}

export interface ProcEntry {
  spec: JobSpec;
  state: ProcState;
  run: ProcRun | undefined;
  /** Starts and stops of this proc, one at a time, in order. Never rejects. */
  queue: Promise<void>;
  timer: Timer | undefined;
  nextStartAt: number | undefined;
  /** A restart is queued and not begun: more changes join it instead of restarting twice. */
  restartQueued: boolean;
  starts: number;
  crashes: number;
  /** Failed exits in a row (the record's number_of_failed_attempts); stops by pycron do not count. */
  failures: number;
  lastExit: ProcExit | undefined;
  watch: FileChangeWatch | undefined;
  watchKey: string;
  /** Removed, or the service is stopping: never started again. */
  retired: boolean;
  orphansChecked: boolean;
}

export function newEntry(spec: JobSpec, after: Promise<void> | undefined): ProcEntry {
  return {
    spec,
    state: 'starting',
    run: undefined,
    queue: after ?? Promise.resolve(),
    timer: undefined,
    nextStartAt: undefined,
    restartQueued: false,
    starts: 0,
    crashes: 0,
    failures: 0,
    lastExit: undefined,
    watch: undefined,
    watchKey: JSON.stringify([[], []]),
    retired: false,
    orphansChecked: false,
  };
}

export function statusOf(entry: ProcEntry): ProcStatus {
  const run = entry.run;
  return {
    name: entry.spec.name,
    title: entry.spec.options.title,
    state: entry.state,
    pid: run?.child.pid ?? null,
    runId: run?.runId,
    startedAt: run?.startedAt,
    restarts: Math.max(0, entry.starts - 1),
    crashes: entry.crashes,
    nextStartAt: entry.nextStartAt,
    lastExit: entry.lastExit,
  };
}
