// The per-job metric families of GET /metrics, in the order the text lists them, each writing a job's sample lines
// straight from its JobSeries. Names, labels and meanings are those docs/api.md and dashboards rely on.
import type { BucketCounts } from './bucket-counts.ts';
import { formatSampleValue } from './format-sample-value.ts';
import type { JobSeries } from './job-series.ts';
import { RUN_DURATION_BUCKETS_SECONDS, RUN_LATENESS_BUCKETS_SECONDS } from './job-series.ts';
import { RUN_OUTCOMES } from './run-outcome.ts';

export interface JobFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter' | 'histogram';
  /** Appends the job's sample lines (none when the job has no such series). */
  write(series: JobSeries, lines: string[]): void;
}

function gauge(name: string, help: string, valueOf: (series: JobSeries) => number | undefined): JobFamily {
  return {
    name,
    help,
    type: 'gauge',
    write(series, lines) {
      const value = valueOf(series);
      if (value !== undefined) lines.push(`${name}{${series.label}} ${formatSampleValue(value)}`);
    },
  };
}

/** Bucket lines with `le` first, then the job, as prom-client writes them. */
function histogram(
  name: string,
  help: string,
  bounds: readonly number[],
  countsOf: (series: JobSeries) => BucketCounts | undefined,
): JobFamily {
  // The part of each bucket line before the job label, built once rather than per job and scrape.
  const bucketHeads = [...bounds.map((bound) => `${name}_bucket{le="${bound}",`), `${name}_bucket{le="+Inf",`];
  return {
    name,
    help,
    type: 'histogram',
    write(series, lines) {
      const counts = countsOf(series);
      if (!counts) return;
      let cumulated = 0;
      for (let i = 0; i < bounds.length; i++) {
        cumulated += counts.counts[i]!;
        lines.push(`${bucketHeads[i]}${series.label}} ${cumulated}`);
      }
      lines.push(`${bucketHeads[bounds.length]}${series.label}} ${counts.count}`);
      lines.push(`${name}_sum{${series.label}} ${formatSampleValue(counts.sum)}`);
      lines.push(`${name}_count{${series.label}} ${counts.count}`);
    },
  };
}

const outcomeLabels = RUN_OUTCOMES.map((outcome) => `,outcome="${outcome}"} `);

export const JOB_FAMILIES: readonly JobFamily[] = [
  gauge('pycron_running', 'Runs of the job in progress.', (s) => s.runningRuns.size),
  gauge(
    'pycron_next_run_timestamp_seconds',
    'When the job runs next (Unix time); absent when it has no next run.',
    (s) => s.nextRunS,
  ),
  gauge(
    'pycron_last_success_timestamp_seconds',
    'When the last successful run of the job ended (Unix time).',
    (s) => s.lastSuccessS,
  ),
  {
    name: 'pycron_runs_total',
    help: 'Finished runs by outcome: success, failure (exit code not 0), timeout, killed (signal), spawn_error.',
    type: 'counter',
    write(series, lines) {
      for (let i = 0; i < outcomeLabels.length; i++)
        lines.push(`pycron_runs_total{${series.label}${outcomeLabels[i]}${series.runs[i]}`);
    },
  },
  histogram(
    'pycron_run_duration_seconds',
    'How long runs took (runs that could not start are left out).',
    RUN_DURATION_BUCKETS_SECONDS,
    (s) => s.duration,
  ),
  histogram(
    'pycron_run_lateness_seconds',
    'How long after its slot a scheduled, catch-up or retry run began.',
    RUN_LATENESS_BUCKETS_SECONDS,
    (s) => s.lateness,
  ),
  {
    name: 'pycron_skipped_firings_total',
    help: 'Times slots of the job were passed over without a run (overlap or catch-up policy).',
    type: 'counter',
    write(series, lines) {
      lines.push(`pycron_skipped_firings_total{${series.label}} ${series.skippedFirings}`);
    },
  },
];
