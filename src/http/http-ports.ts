// What the HTTP server needs from the rest of pycron: narrow views the real Service, the run history and the
// metrics registry satisfy, so the server can be tested and wired without knowing their classes.
import type { Diagnostic } from '../diagnostic.ts';
import type { TriggerOutcome } from '../dispatch/trigger-outcome.ts';
import type { ServiceEventBus } from '../events.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { ProcStatus } from '../procs/proc-status.ts';
import type { JobState } from '../state/job-state.ts';
import type { StoredJob } from '../stored-jobs/stored-job.ts';
import type { CategoryChange, CategorySummary } from '../stored-jobs/stored-jobs-store.ts';
import type { RecentRun } from './describe-job.ts';

/** The part of `Service` (src/service/start-service.ts) the HTTP server uses. */
export interface HttpService {
  readonly catalog: {
    /** Sorted by name. */
    readonly jobs: readonly JobSpec[];
    /** How many jobs there are, without building the sorted list. */
    readonly count: number;
    get(name: string): JobSpec | undefined;
    readonly diagnostics: readonly Diagnostic[];
  };
  readonly scheduler: { nextAt(name: string): number | undefined };
  readonly state: { get(job: string): JobState };
  readonly runs: { runningCount(job: string): number };
  readonly procs: { status(name: string): ProcStatus | undefined };
  readonly events: Pick<ServiceEventBus, 'on'>;
  trigger(job: string, args: readonly string[], source: string): TriggerOutcome;
  runNow(job: string, args: readonly string[], source: string): TriggerOutcome;
  pause(job: string): void;
  resume(job: string): void;
}

/** GET /api/v1/runs filters, checked by the server. */
export interface RunQuery {
  job?: string;
  /** `ok` or `failed`. */
  status?: 'ok' | 'failed';
  /** Runs that ended at or after this instant (ms since the epoch). */
  since?: number;
  /** 1 to 1000; the server's default is 100. */
  limit: number;
}

/** The run history (src/history/): status records, newest first. Results are sent as JSON as they are. */
export interface HttpHistory {
  query(query: RunQuery): readonly unknown[] | Promise<readonly unknown[]>;
  /** One run's record with its output, or undefined when the history does not know it. */
  get(runId: string): unknown | Promise<unknown>;
  /** A job's last `n` runs, newest first, for its strip (answered from memory, so synchronous). */
  recent(job: string, n: number): RecentRun[];
}

/** The metrics registry (prom-client's Registry fits: `metrics()` is wrapped as render by the caller). */
export interface HttpMetrics {
  readonly contentType: string;
  render(): string | Promise<string>;
}

/** Jobs stored in the cluster's database (src/service/open-stored-jobs.ts); undefined outside cluster mode. */
export interface HttpStoredJobs {
  /** CATEGORY_INVALID when a job would not load: then nothing is changed. */
  replaceCategory(category: string, jobs: readonly StoredJob[]): Promise<CategoryChange>;
  category(category: string): Promise<StoredJob[]>;
  categories(): Promise<CategorySummary[]>;
}

/** The cluster as GET /api/v1/cluster shows it (src/service/cluster-view.ts); undefined outside cluster mode. */
export interface HttpCluster {
  /** This instance's INSTANCE_ID (for /health). */
  readonly instanceId: string;
  view(query: { job?: string; limit: number }): Promise<unknown>;
}
