// Writes each run this instance finishes into the cluster's run history. Runs are written in batches, soon after
// they end; while the database does not answer they wait (up to a bound) and are written when it is back. The
// status log on this host stays the record of its runs either way.
import type { ServiceLogger } from '../log/service-logger.ts';
import type { StatusRecord } from '../statuslog/status-record.ts';
import type { ClusterRunRow } from './cluster-runs-store.ts';

export interface ClusterRunSink {
  insert(rows: readonly ClusterRunRow[]): Promise<void>;
}

export interface ClusterRunRecorderOptions {
  sink: ClusterRunSink;
  instanceId: string;
  logger: ServiceLogger;
  /** Runs kept while the database is away; the oldest go first beyond it (default 20,000). */
  maxWaiting?: number;
}

const BATCH = 200;
const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 5_000;

export class ClusterRunRecorder {
  readonly #options: ClusterRunRecorderOptions;
  #waiting: ClusterRunRow[] = [];
  #flushing: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryMs = FIRST_RETRY_MS;
  #failing = false;
  #dropped = 0;
  /** Set when close() begins: no retry is armed after it. */
  #closing = false;
  #closed = false;
  /** While closing: no batch starts after this instant. */
  #deadline = Number.POSITIVE_INFINITY;

  constructor(options: ClusterRunRecorderOptions) {
    this.#options = options;
  }

  /** Queues one finished run; it is written within moments. */
  add(record: StatusRecord): void {
    if (this.#closed) return;
    const max = this.#options.maxWaiting ?? 20_000;
    this.#waiting.push({ instanceId: this.#options.instanceId, record });
    if (this.#waiting.length > max) {
      const dropped = this.#waiting.length - max;
      this.#waiting.splice(0, dropped);
      // NOTE: while the database is away the count goes into the line that says it is back; else it is said now.
      if (this.#failing) this.#dropped += dropped;
      else
        this.#options.logger.warn(
          `cluster run history: the database does not keep up; ${dropped} run(s) not kept (this host's status log has them)`,
        );
    }
    if (!this.#retryTimer) this.#kick();
  }

  /** Runs not written yet. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Writes what waits (within `graceMs`), then stops. */
  async close(graceMs: number): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#deadline = Date.now() + graceMs;
    await this.#flushing;
    if (this.#waiting.length > 0 && Date.now() < this.#deadline) {
      this.#kick();
      await this.#flushing;
    }
    this.#closed = true;
    if (this.#waiting.length > 0)
      this.#options.logger.warn(
        `cluster run history: ${this.#waiting.length} run(s) not written to the database at stop (they are in this host's status log)`,
      );
  }

  #kick(): void {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = undefined;
    });
  }

  async #flush(): Promise<void> {
    const { sink, logger } = this.#options;
    while (this.#waiting.length > 0 && Date.now() < this.#deadline) {
      const batch = this.#waiting.slice(0, BATCH);
      try {
        await sink.insert(batch);
      } catch (error) {
        if (!this.#failing)
          logger.warn(
            `cluster run history: runs are not written yet (${error instanceof Error ? error.message : String(error)}); they wait and are tried again`,
          );
        this.#failing = true;
        if (!this.#closing) {
          const wait = this.#retryMs;
          this.#retryMs = Math.min(MAX_RETRY_MS, this.#retryMs * 2);
          this.#retryTimer = setTimeout(() => {
            this.#retryTimer = undefined;
            this.#kick();
          }, wait);
          this.#retryTimer.unref();
        }
        return;
      }
      // NOTE: only the rows written go: add() may have pushed more, or dropped the oldest, meanwhile.
      const written = new Set(batch);
      this.#waiting = this.#waiting.filter((row) => !written.has(row));
      this.#retryMs = FIRST_RETRY_MS;
      if (this.#failing) {
        logger.info(
          `cluster run history: the database answers again` +
            (this.#dropped > 0
              ? ` (${this.#dropped} run(s) were not kept meanwhile; this host's status log has them)`
              : ''),
        );
        this.#failing = false;
        this.#dropped = 0;
      }
    }
  }
}
