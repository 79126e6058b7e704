// The running service as the CLI, the control socket and the HTTP API see it.
import type { Settings } from '../config/settings.ts';
import type { Dispatcher } from '../dispatch/dispatcher.ts';
import type { TriggerOutcome } from '../dispatch/trigger-outcome.ts';
import type { ServiceEventBus } from '../events.ts';
import type { JobCatalog } from '../jobs/job-catalog.ts';
import type { ProcSupervisor } from '../procs/proc-supervisor.ts';
import type { RunManager } from '../runs/run-manager.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import type { StateBook } from '../state/state-book.ts';

export interface Service extends AsyncDisposable {
  readonly events: ServiceEventBus;
  readonly catalog: JobCatalog;
  readonly scheduler: Scheduler;
  readonly runs: RunManager;
  readonly state: StateBook;
  readonly dispatcher: Dispatcher;
  readonly procs: ProcSupervisor;
  /** Runs a job now through its overlap policy (control socket, HTTP); throws JOB_NOT_FOUND for an unknown job. */
  trigger(job: string, args: readonly string[], source: string): TriggerOutcome;
  /** A person's "run now" (HTTP API): like a trigger, through the overlap policy, but it runs a paused job too. */
  runNow(job: string, args: readonly string[], source: string): TriggerOutcome;
  /** Pauses or resumes a job's scheduled runs and triggers (kept in the state file); JOB_NOT_FOUND if unknown. */
  pause(job: string): void;
  resume(job: string): void;
  /** Rescans the whole jobs folder now (what the periodic rescan does). */
  rescan(): Promise<void>;
  /** Applies reloaded settings (SIGHUP) and rescans; returns the settings that need a restart to change. */
  reload(next: Settings): Promise<string[]>;
  /** Graceful stop: start nothing new, give running jobs the grace, stop the rest, write records and state. */
  stop(): Promise<void>;
  /** The settings in force (they change with reload()). */
  readonly settings: Settings;
}
