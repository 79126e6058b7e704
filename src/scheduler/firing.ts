// A firing: the decision that a job should run now, for a given slot, and why.

export type FiringReason =
  /** The job's regular slot. */
  | 'schedule'
  /** A slot missed while the service was down or the clock jumped, run once now. */
  | 'catch-up'
  /** A failed run, run again after the retry delay. */
  | 'retry'
  /** An @reboot job, once per host boot. */
  | 'reboot'
  /** Asked for by a person (`pycron run`). */
  | 'manual'
  /** A trigger from outside: `pycron trigger` (control socket), later HTTP, Redis, MQTT. */
  | 'trigger'
  /** Started because another job ended (`trigger =` / `[trigger]` in that job's job.ini). */
  | 'chain'
  /** kopf's `period` / `pause` timer. */
  | 'period'
  /** A proc (re)started by the supervisor. */
  | 'proc';

export interface Firing {
  job: string;
  /** The slot this run is for (ms since the epoch); for a retry, the instant the retry was due. */
  scheduledAt: number;
  reason: FiringReason;
  /** 1 for a first attempt, n+1 after n consecutive failures. */
  attempt: number;
  /** Slots passed over and collapsed into this catch-up run (not counting the one it runs for). */
  collapsedSlots: number;
  /** For a catch-up: whether the slot passed while the service was down, or while it slept (suspend, clock step). */
  missedWhile?: 'down' | 'asleep';
  /** Extra arguments for the command: from `[cron]` entries, triggers and chained jobs, in arrival order. */
  args: readonly string[];
  /** Who asked, for triggers and chains: 'cli', 'job backup (on success)', 'http 127.0.0.1'. */
  source?: string;
  /** Triggers collapsed into this run besides the first (asap, idle). */
  collapsedTriggers?: number;
  /** In a cluster: this instance's claim on the firing; the run takes the claim's id. */
  claim?: FiringClaim;
}

export interface FiringClaim {
  runId: string;
  /** The fencing token: the run's end is recorded only while the claim still carries it. */
  token: number;
  /** Taken over from this instance, whose lease ran out while the run was in progress. */
  takenFrom?: string;
}

/** The status log's `reason_for_run` sentence for a firing. */
export function describeFiring(firing: Firing): string {
  switch (firing.reason) {
    case 'schedule':
      return 'scheduled';
    case 'catch-up': {
      const earlier =
        firing.collapsedSlots > 0
          ? ` (and ${firing.collapsedSlots} earlier slot${firing.collapsedSlots === 1 ? '' : 's'})`
          : '';
      const cause =
        firing.missedWhile === 'asleep'
          ? 'while the host was suspended or the clock jumped'
          : 'while the service was not running';
      return `catch-up: missed slot ${new Date(firing.scheduledAt).toISOString()}${earlier} ${cause}`;
    }
    case 'retry':
      return `retry after failure (attempt ${firing.attempt})`;
    case 'reboot':
      return 'at start-up after a host boot (@reboot)';
    case 'manual':
      return firing.source ? `run now by ${firing.source}` : 'run by hand (pycron run)';
    case 'trigger':
    case 'chain': {
      const more = firing.collapsedTriggers
        ? ` (and ${firing.collapsedTriggers} more trigger(s) collapsed into it)`
        : '';
      return `triggered by ${firing.source ?? 'a trigger'}${more}`;
    }
    case 'period':
      return 'period/pause timer';
    case 'proc':
      return firing.source ?? 'proc started';
  }
}
