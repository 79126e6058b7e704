// The Prometheus series behind GET /metrics, kept from the service's events as plain numbers per job. Between
// scrapes it only counts what the events report; the catalog and the scheduler are read at scrape time, and a
// rendered text is served again to scrapes within `maxAgeMs`, so several scrapers cost one render.
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ServiceEventBus, ServiceEvents } from '../events.ts';
import type { FiringReason } from '../scheduler/firing.ts';
import { countInvalidJobFolders } from './count-invalid-job-folders.ts';
import { JobSeries } from './job-series.ts';
import { renderExposition } from './render-exposition.ts';
import { RUN_OUTCOMES, runOutcome } from './run-outcome.ts';

/** Runs that were due at a slot: only their start can be late. Manual, triggered, chained runs... cannot. */
const SLOT_REASONS: ReadonlySet<FiringReason> = new Set<FiringReason>(['schedule', 'catch-up', 'retry']);

/** How long a rendered text is served again: Prometheus scrapes every 15 s or more, dashboards poll faster. */
const DEFAULT_RENDER_MAX_AGE_MS = 1_000;

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
  /** How long a rendered text is served again (default 1 s); 0 renders every scrape afresh. */
  maxAgeMs?: number;
  /** A monotonic clock in ms for the age of a rendered text (default performance.now); tests inject one. */
  now?: () => number;
}

export class ServiceMetrics {
  /** The Content-Type of render()'s text (Prometheus text format 0.0.4). */
  readonly contentType: string;

  /** Holds prom-client's process metrics only: pycron's own series are written by renderExposition. */
  private readonly registry = new Registry();
  private readonly options: ServiceMetricsOptions;
  private readonly processMetrics: boolean;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  /** Every job with series, in the order the text lists them (first seen first). */
  private readonly series = new Map<string, JobSeries>();
  private jobCount = 0;
  private invalidJobFolders = 0;
  private readonly unsubscribe: (() => void)[];
  private rendering: Promise<string> | undefined;
  private rendered: { text: string; at: number } | undefined;

  constructor(options: ServiceMetricsOptions) {
    this.options = options;
    this.processMetrics = options.processMetrics ?? true;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_RENDER_MAX_AGE_MS;
    this.now = options.now ?? (() => performance.now());
    if (this.processMetrics) collectDefaultMetrics({ register: this.registry });
    this.contentType = this.registry.contentType;

    const { events } = options;
    this.unsubscribe = [
      events.on('run:started', (event) => this.runStarted(event)),
      events.on('run:finished', (event) => this.runFinished(event)),
      events.on('firing:skipped', ({ job }) => (this.seriesOf(job).skippedFirings += 1)),
      events.on('job:removed', ({ job }) => this.series.delete(job.name)),
      events.on('jobs:diagnostics', ({ diagnostics }) => {
        this.invalidJobFolders = countInvalidJobFolders(diagnostics, options.jobsFolder);
      }),
    ];
  }

  /**
   * The exposition text for GET /metrics. Reads the job list and next runs now, so idle time costs nothing. A text
   * rendered less than `maxAgeMs` ago is served again, and scrapes that arrive during a render share it.
   */
  render(): Promise<string> {
    const now = this.now();
    if (this.rendered && now - this.rendered.at < this.maxAgeMs) return Promise.resolve(this.rendered.text);
    return (this.rendering ??= this.renderNow(now).finally(() => (this.rendering = undefined)));
  }

  /** Stops listening to the events (process metrics, when on, stay registered until the process ends). */
  close(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private async renderNow(startedAt: number): Promise<string> {
    this.refresh();
    const pycron = await renderExposition({
      jobs: this.jobCount,
      invalidJobFolders: this.invalidJobFolders,
      series: [...this.series.values()],
    });
    // The same joining as prom-client's registry.metrics(): families apart by a blank line, a final newline.
    const text = this.processMetrics ? `${pycron}\n\n${await this.registry.metrics()}` : `${pycron}\n`;
    if (this.maxAgeMs > 0) {
      // NOTE: aged from the start, when the job list and next runs were read.
      this.rendered = { text, at: startedAt };
      // The text of 10,000 jobs is megabytes: it is not kept between scrapes once too old to be served.
      setTimeout(() => {
        if (this.rendered?.text === text) this.rendered = undefined;
      }, this.maxAgeMs).unref();
    }
    return text;
  }

  /**
   * Reads the job list once per scrape: drops the series of jobs that are gone (a run that ended after its job
   * was removed brings them back until here), gives new jobs their zero series, and asks each job's next run.
   */
  private refresh(): void {
    const current = new Set(this.options.jobNames());
    for (const job of this.series.keys()) if (!current.has(job)) this.series.delete(job);
    this.jobCount = current.size;
    for (const job of current) {
      const at = this.options.nextRunOf(job);
      this.seriesOf(job).nextRunS = at !== undefined && Number.isFinite(at) ? at / 1000 : undefined;
    }
  }

  private runStarted({ firing, runId }: ServiceEvents['run:started']): void {
    this.seriesOf(firing.job).runningRuns.add(runId);
  }

  private runFinished({ firing, record }: ServiceEvents['run:finished']): void {
    const series = this.seriesOf(record.job);
    // NOTE: a run recovered after a restart finishes without having started here: it leaves the count alone.
    series.runningRuns.delete(record.run_id);
    const outcome = runOutcome(record);
    series.runs[RUN_OUTCOMES.indexOf(outcome)]! += 1;
    if (outcome !== 'spawn_error') series.observeDuration(record.duration_ms / 1000);
    if (SLOT_REASONS.has(firing.reason)) {
      // A timer never fires before its slot; a clock step backwards could make it look so: count that as on time.
      const lateMs = Math.max(0, Date.parse(record.begun_at) - Date.parse(record.scheduled_at));
      series.observeLateness(lateMs / 1000);
    }
    if (outcome === 'success') series.lastSuccessS = Date.parse(record.ended_at) / 1000;
  }

  /** The job's series, made at first sight; a job removed (job:removed) starts again from zero. */
  private seriesOf(job: string): JobSeries {
    let series = this.series.get(job);
    if (series) return series;
    series = new JobSeries(job);
    const lastSuccessAt = this.options.lastSuccessOf?.(job);
    if (lastSuccessAt !== undefined && Number.isFinite(lastSuccessAt)) series.lastSuccessS = lastSuccessAt / 1000;
    this.series.set(job, series);
    return series;
  }
}
