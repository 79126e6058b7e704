// Keeps an instance's stored jobs in step with the database: it polls the one-row revision (a cheap read) and, when
// it moved, loads every stored job again and hands the result to the catalog. A database that does not answer
// leaves the jobs loaded last running, and is reported once per outage.
import type { Clock, Timer } from '../clock.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import type { ScanResult } from '../jobs/scan-jobs-folder.ts';
import type { StoredJob } from './stored-job.ts';
import type { StoredJobsSnapshot } from './stored-jobs-store.ts';

/** A PUT on another instance reaches this one within this long (and at once on the instance that took it). */
export const STORED_JOBS_POLL_MS = 1_000;

export interface StoredJobsSource {
  revision(): Promise<number>;
  snapshot(): Promise<StoredJobsSnapshot>;
}

export interface StoredJobsSyncOptions {
  source: StoredJobsSource;
  clock: Clock;
  logger: ServiceLogger;
  /** Builds the specs (readStoredJob for each, with the service's current settings). */
  read(jobs: readonly StoredJob[]): ScanResult;
  /** The new stored jobs, whenever the revision moved (and once at the first load). */
  onLoaded(result: ScanResult, revision: number): void;
  pollMs?: number;
}

export class StoredJobsSync {
  readonly #options: StoredJobsSyncOptions;
  #loadedRevision: number | undefined;
  #timer: Timer | undefined;
  #closed = false;
  #failing = false;
  /** The check in progress: refresh() waits for it rather than running two at once. */
  #checking: Promise<void> | undefined;

  constructor(options: StoredJobsSyncOptions) {
    this.#options = options;
  }

  /** Loads the stored jobs once (a database that does not answer is reported, not thrown), then polls. */
  async start(): Promise<void> {
    await this.refresh();
    this.follow();
  }

  /** Polls from now on (start() does it after the first load; the service, once it is ready for changes). */
  follow(): void {
    if (!this.#timer) this.#arm();
  }

  /** Looks at the revision now, and loads the jobs when it moved; `force` loads them whatever the revision says. */
  async refresh(force = false): Promise<void> {
    if (force) this.#loadedRevision = undefined;
    while (this.#checking) await this.#checking;
    if (this.#closed) return;
    this.#checking = this.#check().finally(() => {
      this.#checking = undefined;
    });
    await this.#checking;
  }

  /** The revision of the jobs loaded; undefined before the first load. */
  get revision(): number | undefined {
    return this.#loadedRevision;
  }

  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
  }

  #arm(): void {
    if (this.#closed) return;
    const { clock, pollMs = STORED_JOBS_POLL_MS } = this.#options;
    this.#timer = clock.setTimer(clock.now() + pollMs, () => {
      void this.refresh().finally(() => this.#arm());
    });
  }

  async #check(): Promise<void> {
    const { source, logger } = this.#options;
    try {
      const revision = await source.revision();
      if (revision !== this.#loadedRevision) {
        const snapshot = await source.snapshot();
        if (this.#closed) return;
        // NOTE: the revision counts as loaded only once the jobs are in: a failure here is tried again next poll.
        this.#options.onLoaded(this.#options.read(snapshot.jobs), snapshot.revision);
        this.#loadedRevision = snapshot.revision;
      }
      if (this.#failing) logger.info('stored jobs: the database answers again');
      this.#failing = false;
    } catch (error) {
      if (!this.#failing)
        logger.warn(
          `stored jobs: cannot read them from the database (${error instanceof Error ? error.message : String(error)}); the jobs loaded last keep their schedule`,
        );
      this.#failing = true;
    }
  }
}
