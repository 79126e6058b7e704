// LOGS_FOLDER/job_status-YYYY-MM-DD.log, one JSON record per line, with job_status.log a symlink to the current
// day's file. Each record is handed to the kernel before write() returns, so a kill -9 of the service loses none.
import fs from 'node:fs';
import path from 'node:path';
import { PycronError } from '../errors.ts';
import type { StatusRecord } from './status-record.ts';

export const STATUS_LOG_LINK = 'job_status.log';

/** How much of a daily file hasRecord() reads, from its end. */
const RECORD_SEARCH_BYTES = 64 * 1024 * 1024;
/** A daily file's name; group 1 is its day (YYYY-MM-DD, local time). The run history lists the same files. */
export const STATUS_LOG_DAY_FILE = /^job_status-(\d{4}-\d{2}-\d{2})\.log$/;
/** Records kept in memory while the folder cannot be written; beyond this the oldest are dropped (and reported). */
const MAX_PENDING_RECORDS = 10_000;

export interface StatusLogOptions {
  logsFolder: string;
  /** Daily files kept, today's included; 0 keeps every file. */
  retentionDays: number;
  /** A record could not be written (it is kept and tried again), or the symlink or retention failed. */
  onError?: (error: Error) => void;
  /** A sentence saying what open() changed in the folder (a PyCron job_status.log moved aside). */
  onNotice?: (message: string) => void;
  /** Decides the day a record belongs to (local time); default Date.now. */
  now?: () => number;
}

export class StatusLog {
  readonly folder: string;
  /** Sentences about what open() changed in the folder. */
  readonly notices: string[] = [];
  private readonly retentionDays: number;
  private readonly onError: (error: Error) => void;
  private readonly onNotice: (message: string) => void;
  private readonly now: () => number;
  private fd: number | undefined;
  private day = '';
  private pending: Buffer[] = [];
  private failing = false;
  private closed = false;

  private constructor(opts: StatusLogOptions) {
    this.folder = path.resolve(opts.logsFolder);
    this.retentionDays = opts.retentionDays;
    this.onError = opts.onError ?? (() => {});
    this.onNotice = opts.onNotice ?? (() => {});
    this.now = opts.now ?? Date.now;
  }

  /** Creates the folder and opens today's file; throws IO_FAILED when the folder cannot be written. */
  static async open(opts: StatusLogOptions): Promise<StatusLog> {
    const log = new StatusLog(opts);
    try {
      await fs.promises.mkdir(log.folder, { recursive: true });
      log.openDay(localDay(log.now()));
    } catch (cause) {
      throw new PycronError('IO_FAILED', {
        where: { file: log.folder },
        reason: `the status log cannot be opened: ${(cause as Error).message}`,
        cause,
      });
    }
    return log;
  }

  /** The file records go to now. */
  get currentFile(): string {
    return path.join(this.folder, `job_status-${this.day}.log`);
  }

  /**
   * Whether today's or yesterday's file holds the record of `runId`. Crash recovery asks this for a run the state
   * still calls in flight: its record may have been written just before the crash. Only a file's last
   * RECORD_SEARCH_BYTES are read (the record of a run in flight at a crash is among the last ones).
   */
  hasRecord(runId: string): boolean {
    const needle = Buffer.from(`"run_id":${JSON.stringify(runId)}`);
    const today = localDay(this.now());
    for (const day of [today, addDays(today, -1)]) {
      const file = path.join(this.folder, `job_status-${day}.log`);
      try {
        const fd = fs.openSync(file, 'r');
        try {
          const size = fs.fstatSync(fd).size;
          const length = Math.min(size, RECORD_SEARCH_BYTES);
          const buffer = Buffer.alloc(length);
          fs.readSync(fd, buffer, 0, length, size - length);
          if (buffer.includes(needle)) return true;
        } finally {
          fs.closeSync(fd);
        }
      } catch {
        // no such file: no record in it
      }
    }
    return false;
  }

  /** Appends one line; on return it is in the file (in the kernel's cache), unless an error was reported. */
  write(record: StatusRecord): void {
    if (this.closed) {
      this.onError(
        new PycronError('INTERNAL', {
          reason: `status record ${record.run_id} written after the status log was closed`,
        }),
      );
      return;
    }
    this.pending.push(Buffer.from(`${JSON.stringify(record)}\n`, 'utf8'));
    if (this.pending.length > MAX_PENDING_RECORDS) {
      this.pending.shift();
      this.onError(
        new PycronError('IO_FAILED', {
          where: { file: this.folder },
          reason: 'a status record was dropped: too many records waiting for the folder to become writable',
        }),
      );
    }
    this.drain();
  }

  /** fsyncs the current file: records survive a power loss too. */
  sync(): void {
    if (this.fd !== undefined) fs.fsyncSync(this.fd);
  }

  /** Writes what is still waiting, fsyncs and closes. Records written after close are reported, not kept. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.drain();
    this.closed = true;
    if (this.pending.length > 0) {
      this.onError(
        new PycronError('IO_FAILED', {
          where: { file: this.currentFile },
          reason: `${this.pending.length} status record(s) could not be written before closing`,
        }),
      );
    }
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  private drain(): void {
    try {
      const day = localDay(this.now());
      // NOTE: the day is decided at write time, so rotation happens on the first record after local midnight.
      if (day !== this.day || this.fd === undefined) this.openDay(day);
      const fd = this.fd as number;
      while (this.pending.length > 0) {
        const head = this.pending[0] as Buffer;
        const written = fs.writeSync(fd, head);
        if (written < head.length) this.pending[0] = head.subarray(written);
        else this.pending.shift();
      }
      this.failing = false;
    } catch (cause) {
      this.closeQuietly();
      if (this.failing) return; // reported once per streak of failures
      this.failing = true;
      this.onError(
        new PycronError('IO_FAILED', {
          where: { file: this.currentFile },
          reason: `status records cannot be written (${(cause as Error).message}); they are kept and written with the next record`,
          cause,
        }),
      );
    }
  }

  private openDay(day: string): void {
    const name = `job_status-${day}.log`;
    const fd = fs.openSync(path.join(this.folder, name), 'a');
    if (this.fd !== undefined) this.report(() => fs.fsyncSync(this.fd as number)); // yesterday's file is complete
    this.closeQuietly();
    this.fd = fd;
    this.day = day;
    this.report(() => this.pointLinkAt(name, day));
    this.report(() => this.removeOldFiles(day));
  }

  /** Points job_status.log at `name` with an atomic rename, so `tail -F` never sees it missing. */
  private pointLinkAt(name: string, day: string): void {
    const link = path.join(this.folder, STATUS_LOG_LINK);
    const stat = lstatOrUndefined(link);
    if (stat?.isSymbolicLink() && fs.readlinkSync(link) === name) return;
    if (stat && !stat.isSymbolicLink()) {
      if (!stat.isFile()) throw new Error(`${link} is not a file nor a symlink: it cannot name the current day's file`);
      this.moveAside(link, day);
    }
    const temp = path.join(this.folder, `.${STATUS_LOG_LINK}.tmp-${process.pid}`);
    fs.rmSync(temp, { force: true });
    fs.symlinkSync(name, temp);
    fs.renameSync(temp, link);
  }

  /** PyCron wrote job_status.log as a regular file: keep it, under a name of its own. */
  private moveAside(link: string, day: string): void {
    let aside = path.join(this.folder, `job_status.pycron-${day}.log`);
    for (let n = 2; lstatOrUndefined(aside); n++) aside = path.join(this.folder, `job_status.pycron-${day}-${n}.log`);
    fs.renameSync(link, aside);
    const notice = `${link} was a regular file (PyCron's status log); it was renamed to ${aside} so that job_status.log can name the current day's file.`;
    this.notices.push(notice);
    this.onNotice(notice);
  }

  /** Retention goes by the date in the file name; files not named job_status-YYYY-MM-DD.log are never removed. */
  private removeOldFiles(today: string): void {
    if (this.retentionDays <= 0) return;
    const oldestKept = addDays(today, -(this.retentionDays - 1));
    for (const name of fs.readdirSync(this.folder)) {
      const date = STATUS_LOG_DAY_FILE.exec(name)?.[1];
      if (date !== undefined && date < oldestKept) fs.rmSync(path.join(this.folder, name), { force: true });
    }
  }

  private report(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.onError(error as Error);
    }
  }

  private closeQuietly(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // already unusable: the next write opens the file again
    }
    this.fd = undefined;
  }
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** YYYY-MM-DD of `ms` in the service's local time zone. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  // Noon keeps the calendar arithmetic clear of midnight DST transitions.
  return localDay(new Date(y, m - 1, d + days, 12).getTime());
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
