// The Prometheus series behind GET /metrics, kept from the service's events in a registry of their own.
// Between scrapes it only counts what the events report; the catalog and the scheduler are read at scrape time.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ServiceEventBus, ServiceEvents } from '../events.ts';
import type { FiringReason } from '../scheduler/firing.ts';
import { countInvalidJobFolders } from './count-invalid-job-folders.ts';
import { RUN_OUTCOMES, runOutcome } from './run-outcome.ts';

// Buckets are few on purpose: each one is a series per job, and a scrape of 10,000 jobs costs ~3 µs per series.
/** From a quick script to the hour a backup may take; longer runs land in +Inf. */
export const RUN_DURATION_BUCKETS_SECONDS = [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600];

/** From a timer that fired on the dot to a minute late; catch-ups after a long downtime land in +Inf. */
export const RUN_LATENESS_BUCKETS_SECONDS = [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 60];

/** Runs that were due at a slot: only their start can be late. Manual, triggered, chained runs... cannot. */
const SLOT_REASONS: ReadonlySet<FiringReason> = new Set<FiringReason>(['schedule', 'catch-up', 'retry']);

export interface ServiceMetricsOptions {
  events: ServiceEventBus;
  /** Every job's name now (the catalog); read once per scrape. Series of jobs no longer listed are dropped. */
  jobNames: () => Iterable<string>;
  /** When the job runs next (ms since the epoch), undefined when never (the scheduler); read at scrape time. */
  nextRunOf: (job: string) => number | undefined;
  /** When the job last succeeded before this service started (ms); asked once per job, when first seen. */
  lastSuccessOf?: (job: string) => number | undefined;
  /** The jobs folder, so several errors in one job folder count as one invalid folder. */
  jobsFolder: string;
  /** prom-client's default process and Node.js metrics (unprefixed, as dashboards expect them); default true. */
  processMetrics?: boolean;
}

export class ServiceMetrics {
  /** The Content-Type of render()'s text (Prometheus text format 0.0.4). */
  readonly contentType: string;

  private readonly registry = new Registry();
  private readonly options: ServiceMetricsOptions;
  private readonly jobs: Gauge;
  private readonly invalidJobFolders: Gauge;
  private readonly running: Gauge<'job'>;
  private readonly nextRun: Gauge<'job'>;
  private readonly lastSuccess: Gauge<'job'>;
  private readonly runs: Counter<'job' | 'outcome'>;
  private readonly duration: Histogram<'job'>;
  private readonly lateness: Histogram<'job'>;
  private readonly skippedFirings: Counter<'job'>;
  /** Jobs that have series: a job's series are created together (counters at 0) and removed together. */
  private readonly seen = new Set<string>();
  /** Run ids started and not yet finished, by job. */
  private readonly runningRuns = new Map<string, Set<string>>();
  private readonly unsubscribe: (() => void)[];
  private rendering: Promise<string> | undefined;

  constructor(options: ServiceMetricsOptions) {
    this.options = options;
    const registers = [this.registry];
    this.jobs = new Gauge({ name: 'pycron_jobs', help: 'Jobs known to the service.', registers });
    this.invalidJobFolders = new Gauge({
      name: 'pycron_invalid_job_folders',
      help: 'Entries of the jobs folder that could not be loaded (see pycron validate).',
      registers,
    });
    this.running = new Gauge({
      name: 'pycron_running',
      help: 'Runs of the job in progress.',
      labelNames: ['job'],
      registers,
    });
    this.nextRun = new Gauge({
      name: 'pycron_next_run_timestamp_seconds',
      help: 'When the job runs next (Unix time); absent when it has no next run.',
      labelNames: ['job'],
      registers,
    });
    this.lastSuccess = new Gauge({
      name: 'pycron_last_success_timestamp_seconds',
      help: 'When the last successful run of the job ended (Unix time).',
      labelNames: ['job'],
      registers,
    });
    this.runs = new Counter({
      name: 'pycron_runs_total',
      help: 'Finished runs by outcome: success, failure (exit code not 0), timeout, killed (signal), spawn_error.',
      labelNames: ['job', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'pycron_run_duration_seconds',
      help: 'How long runs took (runs that could not start are left out).',
      labelNames: ['job'],
      buckets: RUN_DURATION_BUCKETS_SECONDS,
      registers,
    });
    this.lateness = new Histogram({
      name: 'pycron_run_lateness_seconds',
      help: 'How long after its slot a scheduled, catch-up or retry run began.',
      labelNames: ['job'],
      buckets: RUN_LATENESS_BUCKETS_SECONDS,
      registers,
    });
    this.skippedFirings = new Counter({
      name: 'pycron_skipped_firings_total',
      help: 'Times slots of the job were passed over without a run (overlap or catch-up policy).',
      labelNames: ['job'],
      registers,
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.contentType = this.registry.contentType;

    const { events } = options;
    this.unsubscribe = [
      events.on('run:started', (event) => this.runStarted(event)),
      events.on('run:finished', (event) => this.runFinished(event)),
      events.on('firing:skipped', ({ job }) => {
        this.ensureSeries(job);
        this.skippedFirings.inc({ job });
      }),
      events.on('job:removed', ({ job }) => this.removeSeries(job.name)),
      events.on('jobs:diagnostics', ({ diagnostics }) =>
        this.invalidJobFolders.set(countInvalidJobFolders(diagnostics, options.jobsFolder)),
      ),
    ];
  }

  /** The exposition text for GET /metrics. Reads the job list and next runs now, so idle time costs nothing. */
  render(): Promise<string> {
    // Scrapes that arrive while one is being rendered share its text.
    return (this.rendering ??= this.renderNow().finally(() => (this.rendering = undefined)));
  }

  private async renderNow(): Promise<string> {
    this.refresh();
    const families: string[] = [];
    for (const metric of this.registry.getMetricsAsArray()) {
      families.push(await this.registry.getSingleMetricAsString(metric.name));
      // NOTE: a turn of the event loop between families: with 10,000 jobs a whole scrape takes about a second, and
      // a timer due meanwhile must wait for one family at most, not for all of them.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // The same text as prom-client's registry.metrics() for the Prometheus format.
    return `${families.join('\n\n')}\n`;
  }

  /** Stops listening to the events (process metrics, when on, stay registered until the process ends). */
  close(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /**
   * Reads the job list once per scrape: drops the series of jobs that are gone (a run that ended after its job
   * was removed brings them back until here), gives new jobs their zero series, and asks each job's next run.
   * Done here rather than in prom-client collect() hooks, which would each read the list, in prom-client's order.
   */
  private refresh(): void {
    const current = new Set(this.options.jobNames());
    for (const job of this.seen) if (!current.has(job)) this.removeSeries(job);
    this.jobs.set(current.size);
    this.nextRun.reset();
    for (const job of current) {
      this.ensureSeries(job);
      const at = this.options.nextRunOf(job);
      if (at !== undefined && Number.isFinite(at)) this.nextRun.set({ job }, at / 1000);
    }
  }

  private runStarted({ firing, runId }: ServiceEvents['run:started']): void {
    this.ensureSeries(firing.job);
    let runIds = this.runningRuns.get(firing.job);
    if (!runIds) this.runningRuns.set(firing.job, (runIds = new Set()));
    runIds.add(runId);
    this.running.set({ job: firing.job }, runIds.size);
  }

  private runFinished({ firing, record }: ServiceEvents['run:finished']): void {
    const job = record.job;
    this.ensureSeries(job);
    const runIds = this.runningRuns.get(job);
    // NOTE: a run recovered after a restart finishes without having started here: it leaves the count alone.
    if (runIds?.delete(record.run_id)) {
      this.running.set({ job }, runIds.size);
      if (runIds.size === 0) this.runningRuns.delete(job);
    }
    const outcome = runOutcome(record);
    this.runs.inc({ job, outcome });
    if (outcome !== 'spawn_error') this.duration.observe({ job }, record.duration_ms / 1000);
    if (SLOT_REASONS.has(firing.reason)) {
      // A timer never fires before its slot; a clock step backwards could make it look so: count that as on time.
      const lateMs = Math.max(0, Date.parse(record.begun_at) - Date.parse(record.scheduled_at));
      this.lateness.observe({ job }, lateMs / 1000);
    }
    if (outcome === 'success') this.lastSuccess.set({ job }, Date.parse(record.ended_at) / 1000);
  }

  /** Counters start at 0 so that the first failure of a job is an increase that alerts can see. */
  private ensureSeries(job: string): void {
    if (this.seen.has(job)) return;
    this.seen.add(job);
    for (const outcome of RUN_OUTCOMES) this.runs.inc({ job, outcome }, 0);
    this.skippedFirings.inc({ job }, 0);
    this.running.set({ job }, this.runningRuns.get(job)?.size ?? 0);
    const lastSuccessAt = this.options.lastSuccessOf?.(job);
    if (lastSuccessAt !== undefined && Number.isFinite(lastSuccessAt))
      this.lastSuccess.set({ job }, lastSuccessAt / 1000);
  }

  /** Forgets a job entirely, so folders that come and go do not grow memory without end. */
  private removeSeries(job: string): void {
    this.seen.delete(job);
    this.runningRuns.delete(job);
    for (const outcome of RUN_OUTCOMES) this.runs.remove({ job, outcome });
    for (const metric of [this.running, this.nextRun, this.lastSuccess, this.duration, this.lateness]) {
      metric.remove({ job });
    }
    this.skippedFirings.remove({ job });
  }
}
