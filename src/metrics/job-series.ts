// Everything GET /metrics shows about one job, kept as plain numbers between scrapes: a job's series are made
// together (counters at 0, so the first failure is an increase alerts can see) and dropped together.
import { BucketCounts } from './bucket-counts.ts';
import { escapeLabelValue } from './escape-label-value.ts';
import { RUN_OUTCOMES } from './run-outcome.ts';

/** From a quick script to the hour a backup may take; longer runs land in +Inf. */
export const RUN_DURATION_BUCKETS_SECONDS = [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600];

/** From a timer that fired on the dot to a minute late; catch-ups after a long downtime land in +Inf. */
export const RUN_LATENESS_BUCKETS_SECONDS = [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 60];

export class JobSeries {
  /** `job="NAME"`, escaped once: a scrape writes it on every line of the job. */
  readonly label: string;
  /** Run ids started and not yet finished; their count is pycron_running. */
  readonly runningRuns = new Set<string>();
  /** Finished runs by outcome, in the order of RUN_OUTCOMES. */
  readonly runs: number[] = RUN_OUTCOMES.map(() => 0);
  skippedFirings = 0;
  /** Unix seconds, or undefined when there is none. */
  lastSuccessS: number | undefined;
  /** Unix seconds, read at each scrape; undefined when the job has no next run. */
  nextRunS: number | undefined;
  /** Made at the first observation: a job that never ran has no histogram lines, as with prom-client. */
  duration: BucketCounts | undefined;
  lateness: BucketCounts | undefined;

  constructor(job: string) {
    this.label = `job="${escapeLabelValue(job)}"`;
  }

  observeDuration(seconds: number): void {
    (this.duration ??= new BucketCounts(RUN_DURATION_BUCKETS_SECONDS)).observe(seconds);
  }

  observeLateness(seconds: number): void {
    (this.lateness ??= new BucketCounts(RUN_LATENESS_BUCKETS_SECONDS)).observe(seconds);
  }
}
