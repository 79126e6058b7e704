// What the service remembers about each job across restarts (the state file's content).

/** A run that was started and has not yet written its record. */
export interface InFlightRun {
  runId: string;
  /** The slot this run was for (ms since the epoch). */
  scheduledAt: number;
  reason: string;
  attempt: number;
  /** Recorded before the spawn. */
  startedAt: number;
  /** Recorded right after the spawn. */
  pid?: number;
  /** Field 22 of /proc/PID/stat (start time in clock ticks since boot): tells our process from a reused pid. */
  pidStartTicks?: number;
  bootId?: string;
  /** The job's script (status-log `file`), so a run can be recorded even if its job is gone at restart. */
  file?: string;
}

export interface LastRun {
  runId: string;
  scheduledAt: number;
  startedAt: number;
  endedAt: number;
  exitCode: number | null;
  ok: boolean;
}

export interface JobState {
  /** When the service first planned this job: slots before it are not "missed". */
  knownSince?: number;
  /** The latest schedule slot that was fired or deliberately skipped: never fired again. */
  lastSlotAt?: number;
  /** The next regular slot after lastSlotAt, as computed when it was planned. */
  nextDueAt?: number;
  /** When a failed run is retried (set after a failure, cleared by a success). */
  retryAt?: number;
  /** The arguments of the failed run, passed again to its retry. */
  retryArgs?: string[];
  /** Attempts made for the current slot or trigger (1 for its first run, +1 per retry): max_attempts counts these. */
  slotAttempts?: number;
  /** kopf period/pause jobs: when the next run is due (drawn once per round, with its random part). */
  periodDueAt?: number;
  /** Consecutive failed runs. */
  failures: number;
  lastRun?: LastRun;
  /** Runs started and not yet recorded: one, or several for overlap = parallel. */
  inFlight?: InFlightRun[];
  /** Paused by a person (HTTP API, `pycron pause`): no scheduled runs, no triggers; runs asked for by hand still run. */
  paused?: boolean;
  /** Boot id of the host when an @reboot schedule last fired: such jobs run once per boot. */
  rebootFiredFor?: string;
}

export interface ServiceState {
  version: 1;
  jobs: Record<string, JobState>;
}

export function emptyState(): ServiceState {
  return { version: 1, jobs: {} };
}

export function emptyJobState(): JobState {
  return { failures: 0 };
}

/** Where state lives: a JSON file alone, PostgreSQL in a cluster. Tests use the in-memory twin. */
export interface StateStore {
  /** Reads the saved state; an unreadable store is moved aside, reported, and an empty state returned. */
  load(): Promise<{ state: ServiceState; warning?: string }>;
  /** Asks for `state` to be saved; bursts are coalesced. */
  save(state: ServiceState): void;
  /** Resolves when every save asked for so far is durable. */
  flush(): Promise<void>;
}
