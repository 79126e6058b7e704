// Writes each run this instance finishes into the cluster's run history. Runs are written in batches, soon after
// they end; while the database does not answer they wait (up to a bound) and are written when it is back. The
// status log on this host stays the record of its runs either way.
import type { ServiceLogger } from '../log/service-logger.ts';
import type { StatusRecord } from '../statuslog/status-record.ts';
import { isDatabaseUnreachable } from '../cluster/is-database-unreachable.ts';
import type { ClusterRunRow } from './cluster-runs-store.ts';
import { recordForDatabase } from './record-for-database.ts';

export interface ClusterRunSink {
  insert(rows: readonly ClusterRunRow[]): Promise<void>;
}

export interface ClusterRunRecorderOptions {
  sink: ClusterRunSink;
  instanceId: string;
  logger: ServiceLogger;
  /** Runs kept while the database is away; the oldest go first beyond it (default 20,000). */
  maxWaiting?: number;
  /** Nor more than about this much memory (default 64 MiB; each record holds at most 2 x 256 KiB of output). */
  maxWaitingBytes?: number;
}

const BATCH = 200;
const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 5_000;

export class ClusterRunRecorder {
  readonly #options: ClusterRunRecorderOptions;
  #waiting: ClusterRunRow[] = [];
  #waitingBytes = 0;
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
    const maxBytes = this.#options.maxWaitingBytes ?? 64 * 1024 * 1024;
    const { instanceId } = this.#options;
    const stored = recordForDatabase(record);
    // NOTE: the row keeps the capped copy only: the whole output may be large, and the status log has it.
    this.#waiting.push({ instanceId, record: { ...record, output: '', error: '' }, stored });
    this.#waitingBytes += stored.bytes;
    let dropped = 0;
    while (this.#waiting.length > 1 && (this.#waiting.length > max || this.#waitingBytes > maxBytes)) {
      this.#forget(this.#waiting[0]!);
      this.#waiting.shift();
      dropped++;
    }
    if (dropped > 0) {
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

  #forget(row: ClusterRunRow): void {
    this.#waitingBytes -= row.stored?.bytes ?? 0;
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
        // A row the database refuses (bad data, too large) must not hold back the others forever: one at a time.
        if (!isDatabaseUnreachable(error)) {
          await this.#insertOneByOne(batch).catch(() => undefined);
          continue;
        }
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
      this.#remove(batch);
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

  #remove(rows: readonly ClusterRunRow[]): void {
    const gone = new Set(rows);
    this.#waiting = this.#waiting.filter((row) => {
      if (!gone.has(row)) return true;
      this.#forget(row);
      return false;
    });
  }

  /** After a refused batch: each row alone; a row refused alone is dropped and said, an outage stops it. */
  async #insertOneByOne(batch: readonly ClusterRunRow[]): Promise<void> {
    for (const row of batch) {
      try {
        await this.#options.sink.insert([row]);
      } catch (error) {
        if (isDatabaseUnreachable(error)) throw error;
        this.#options.logger.warn(
          `cluster run history: run ${row.record.run_id} of ${row.record.job} not written: the database refused it (${error instanceof Error ? error.message : String(error)}); this host's status log has it`,
        );
      }
      this.#remove([row]);
    }
  }
}
