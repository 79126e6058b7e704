// The run history behind GET /api/v1/runs and the dashboard: an index of the status log's daily files, read in the
// background at start and followed from then on (each run:finished reads the files' new lines), with the status
// log's retention. Only small fields are held; a run's output is read back from its line on demand.
import path from 'node:path';
import { systemClock, type Clock, type Timer } from '../clock.ts';
import type { ServiceEventBus } from '../events.ts';
import { localDay } from '../statuslog/status-log.ts';
import type { StatusRecord } from '../statuslog/status-record.ts';
import { indexedRunFromObject } from './indexed-run.ts';
import { parseLogLine } from './parse-log-line.ts';
import { pendingEntry, queryRuns, type PendingRun, type RunPage, type RunQuery } from './query-runs.ts';
import type { LogLine } from './read-log-lines.ts';
import { readRunRecord, type RunLookup } from './read-run-record.ts';
import type { RunEntry } from './run-entry.ts';
import { RunIndex } from './run-index.ts';
import { addDays, oldestKeptDay, startOfDay } from './status-log-days.ts';
import { StatusLogReader } from './status-log-reader.ts';
import { summarizeRuns, type RunSummary } from './summarize-runs.ts';

/** Default cap on runs held (about 100 MiB); beyond it the oldest are dropped, and counted. */
export const DEFAULT_MAX_RUNS = 1_000_000;
/** Runs known from their event only, kept while the status log cannot be written (as status-log.ts keeps). */
const MAX_PENDING_RUNS = 10_000;

export interface RunHistoryOptions {
  logsFolder: string;
  /** STATUS_LOG_RETENTION_DAYS: daily files kept, today's included; 0 keeps every day. */
  retentionDays: number;
  /** Decides the days (local time) for retention; default the system clock. */
  clock?: Clock;
  /** The history follows its run:finished events. */
  events?: Pick<ServiceEventBus, 'on'>;
  maxRuns?: number;
  /** A file could not be read (the history goes on with what it has). */
  onError?: (error: Error) => void;
}

export interface HistoryStats {
  runs: number;
  /** Runs known from their event whose line has not been read yet. */
  pending: number;
  jobs: number;
  building: boolean;
  /** Time the first reading of the status log took; null while it runs. */
  buildMs: number | null;
  linesRead: number;
  bytesRead: number;
  /** Lines that are not a status record (not JSON, no run id), skipped. */
  unreadableLines: number;
  /** Records cut short by a crash, with the next record appended to their remains (which is indexed). */
  tornLines: number;
  /** Lines too long to keep whole whose head and tail did not hold a record's fields, skipped. */
  tooLongLines: number;
  /** Runs older than the retention window, dropped or not indexed. */
  expiredRuns: number;
  /** Runs dropped because the history held maxRuns. */
  droppedOverCap: number;
}

export class RunHistory implements AsyncDisposable {
  /** Resolves when the status log's files present at start have been read. */
  readonly ready: Promise<void>;
  private readonly folder: string;
  private readonly retentionDays: number;
  private readonly clock: Clock;
  private readonly maxRuns: number;
  private readonly onError: (error: Error) => void;
  private readonly index = new RunIndex();
  /** By run id, oldest event first. */
  private readonly pending = new Map<string, PendingRun>();
  private readonly reader: StatusLogReader;
  private readonly counts: Omit<HistoryStats, 'runs' | 'pending' | 'jobs' | 'building' | 'buildMs' | 'bytesRead'> = {
    linesRead: 0,
    unreadableLines: 0,
    tornLines: 0,
    tooLongLines: 0,
    expiredRuns: 0,
    droppedOverCap: 0,
  };
  private buildMs: number | null = null;
  private eventNo = 0;
  /** Runs that ended before this instant are out of the retention window. */
  private keepFrom = Number.NEGATIVE_INFINITY;
  private passes: Promise<void> = Promise.resolve();
  private nextPass: { full: boolean; done: Promise<void> } | undefined;
  private retentionTimer: Timer | undefined;
  private unsubscribe: (() => void) | undefined;
  private closed = false;

  constructor(options: RunHistoryOptions) {
    this.folder = path.resolve(options.logsFolder);
    this.retentionDays = options.retentionDays;
    this.clock = options.clock ?? systemClock;
    this.maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
    this.onError = options.onError ?? (() => {});
    this.reader = new StatusLogReader(this.folder, (file, line, again) => this.ingest(file, line, again), this.onError);
    // NOTE: subscribed before the first read, so no run that ends during it is missed.
    this.unsubscribe = options.events?.on('run:finished', ({ record }) => this.add(record));
    this.applyRetention();
    const started = performance.now();
    this.ready = this.requestPass(true).then(() => {
      this.buildMs = Math.round(performance.now() - started);
    });
  }

  /** Takes in a run that just ended (what the run:finished listener does); its line is read soon after. */
  add(record: StatusRecord): void {
    const run = indexedRunFromObject(record);
    if (this.closed || !run || this.pending.has(run.runId) || this.index.slotOf(run.runId) >= 0) return;
    if (run.endedAt < this.keepFrom) return;
    this.pending.set(run.runId, { run, eventNo: ++this.eventNo });
    if (this.pending.size > MAX_PENDING_RUNS) this.pending.delete(this.pending.keys().next().value as string);
    void this.requestPass(false);
  }

  /** Newest first; throws BAD_REQUEST for a malformed query. */
  query(query: RunQuery = {}): RunPage {
    return queryRuns(this.index, [...this.pending.values()], query);
  }

  /** The last `n` runs of `job`, newest first (the dashboard's strip). */
  recent(job: string, n: number): RunEntry[] {
    return this.query({ job, limit: n }).runs;
  }

  summary(job: string): RunSummary {
    return summarizeRuns(this.index, [...this.pending.values()], job);
  }

  /** Jobs with at least one run in the history. */
  get jobs(): string[] {
    const names = new Set(this.index.jobNames);
    for (const { run } of this.pending.values()) names.add(run.job);
    return [...names];
  }

  /** One run with its full status record, read back from the status log. */
  async get(runId: string): Promise<RunLookup> {
    if (this.pending.has(runId)) await this.requestPass(false);
    const slot = this.index.slotOf(runId);
    if (slot >= 0) return readRunRecord(this.folder, this.index.entryAt(slot));
    const pending = this.pending.get(runId);
    return pending ? readRunRecord(this.folder, pendingEntry(pending.run)) : { kind: 'unknown' };
  }

  /** Reads every file's new lines (records another process wrote, e.g. `pycron run`). */
  refresh(): Promise<void> {
    return this.requestPass(true);
  }

  stats(): HistoryStats {
    return {
      runs: this.index.live,
      pending: this.pending.size,
      jobs: this.jobs.length,
      building: this.buildMs === null,
      buildMs: this.buildMs,
      bytesRead: this.reader.bytesRead,
      ...this.counts,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.retentionTimer?.cancel();
    await this.passes;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Queues a reading pass (full: every file; else new files and the two newest); passes never overlap. */
  private requestPass(full: boolean): Promise<void> {
    if (this.nextPass) {
      this.nextPass.full ||= full;
      return this.nextPass.done;
    }
    const pass = { full, done: Promise.resolve() };
    pass.done = this.passes
      .then(() => {
        this.nextPass = undefined;
        return this.closed ? undefined : this.reader.read(pass.full, () => this.closed);
      })
      .catch((error: unknown) => this.onError(error as Error));
    this.nextPass = pass;
    this.passes = pass.done;
    return pass.done;
  }

  private ingest(file: string, line: LogLine, again: boolean): void {
    this.counts.linesRead++;
    const reading = parseLogLine(line);
    if (reading.run === undefined) {
      if (reading.problem === 'too-long') this.counts.tooLongLines++;
      else if (line.length > 0) this.counts.unreadableLines++;
      return;
    }
    if (reading.skipped > 0) this.counts.tornLines++;
    const { run } = reading;
    const location = { file, offset: line.offset + reading.skipped, length: line.length - reading.skipped };
    const slot = again ? this.index.slotOf(run.runId) : -1;
    if (slot >= 0) {
      this.index.locate(slot, location);
      return;
    }
    this.pending.delete(run.runId);
    if (run.endedAt < this.keepFrom) {
      this.counts.expiredRuns++;
      return;
    }
    this.index.add(run, location);
    if (this.index.live > this.maxRuns) {
      const over = this.index.live - Math.floor(this.maxRuns * 0.95);
      this.index.dropOldest(over);
      this.counts.droppedOverCap += over;
    }
  }

  /** Drops the runs that ended before the oldest day the status log keeps; re-armed for each local midnight. */
  private applyRetention(): void {
    if (this.closed || this.retentionDays <= 0) return;
    const today = localDay(this.clock.now());
    this.retentionTimer = this.clock.setTimer(startOfDay(addDays(today, 1)), () => this.applyRetention());
    const oldestDay = oldestKeptDay(today, this.retentionDays);
    const keepFrom = startOfDay(oldestDay);
    this.keepFrom = keepFrom;
    this.reader.forgetBefore(oldestDay);
    this.counts.expiredRuns += this.index.dropEndedBefore(keepFrom);
    for (const [runId, { run }] of this.pending) if (run.endedAt < keepFrom) this.pending.delete(runId);
  }
}
