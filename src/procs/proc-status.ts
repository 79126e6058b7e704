// What `pycron list` (and later the HTTP API) shows of a proc.

export type ProcState =
  /** Looking for an orphan of a previous service, or spawning. */
  | 'starting'
  | 'running'
  /** Exited; starts again at nextStartAt (idle, or a crash-loop backoff). */
  | 'waiting'
  /** Its process group is being stopped (restart, removal, shutdown). */
  | 'stopping'
  /** Stopped for good (removed, or the service is stopping). */
  | 'stopped';

export interface ProcExit {
  runId: string;
  exitCode: number | null;
  signal: string | null;
  /** Why it could not start, else null. */
  error: string | null;
  endedAt: number;
}

export interface ProcStatus {
  name: string;
  title: string;
  state: ProcState;
  /** Pid (and process group id) of the running copy; null when none runs. */
  pid: number | null;
  runId: string | undefined;
  /** When the running copy started. */
  startedAt: number | undefined;
  /** Starts after the first one, since the service started it. */
  restarts: number;
  /** Crashes in a row (exits soon after the start); drives the backoff. */
  crashes: number;
  /** When a waiting proc starts again. */
  nextStartAt: number | undefined;
  lastExit: ProcExit | undefined;
}
