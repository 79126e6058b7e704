// The status log's records, read straight from the daily files (with or without the service), through the run
// history's own reader and line parser: the first read takes every file, each later one what was written since,
// a new day's file included.
import fs from 'node:fs';
import path from 'node:path';
import { PycronError } from '../errors.ts';
import type { IndexedRun } from '../history/indexed-run.ts';
import { parseLogLine } from '../history/parse-log-line.ts';
import type { LogLine } from '../history/read-log-lines.ts';
import { StatusLogReader } from '../history/status-log-reader.ts';

export interface LoggedRun {
  run: IndexedRun;
  /** The record exactly as stored, without its newline. */
  text: string;
}

/** Where a record too long to be handed over whole lies, to be read again once the lines are in. */
interface LongRecord {
  run: IndexedRun;
  file: string;
  offset: number;
  length: number;
}

export class StatusLogTail {
  private readonly reader: StatusLogReader;
  private readonly errors: Error[] = [];
  private readBefore = false;
  /** The records of the read in progress: at most about twice keepLast, and how many matched in all. */
  private found: (LoggedRun | LongRecord)[] = [];
  private matched = 0;
  private keepLast = Number.POSITIVE_INFINITY;

  constructor(
    private readonly folder: string,
    private readonly wanted: (run: IndexedRun) => boolean,
  ) {
    this.reader = new StatusLogReader(
      folder,
      (file, line) => this.take(file, line),
      (error) => this.errors.push(error),
    );
  }

  /**
   * The wanted records written since the last call, oldest first, at most the last `keepLast` of them, and how
   * many there were in all. Throws IO_FAILED when the folder or a file cannot be read.
   */
  async readNew(keepLast = Number.POSITIVE_INFINITY): Promise<{ runs: LoggedRun[]; matched: number }> {
    this.found = [];
    this.matched = 0;
    this.keepLast = keepLast;
    await this.reader.read(!this.readBefore, () => false);
    this.readBefore = true;
    const errors = this.errors.splice(0);
    if (errors.length > 0)
      throw new PycronError('IO_FAILED', {
        where: { file: this.folder },
        reason: `the status log cannot be read: ${errors.map((e) => e.message).join('; ')}`,
        cause: errors[0],
      });
    const last = this.found.slice(Math.max(0, this.found.length - keepLast));
    const runs = await Promise.all(last.map((record) => ('text' in record ? record : this.readLong(record))));
    return { runs, matched: this.matched };
  }

  private take(file: string, line: LogLine): void {
    const reading = parseLogLine(line);
    if (reading.run === undefined || !this.wanted(reading.run)) return;
    this.matched++;
    if (line.whole) this.found.push({ run: reading.run, text: line.head.toString('utf8', reading.skipped) });
    else this.found.push({ run: reading.run, file, offset: line.offset, length: line.length });
    // Bounded while reading: the last keepLast of millions of records is all that is ever shown.
    if (this.found.length > 2 * this.keepLast + 1024) this.found.splice(0, this.found.length - this.keepLast);
  }

  private async readLong({ run, file, offset, length }: LongRecord): Promise<LoggedRun> {
    const handle = await fs.promises.open(path.join(this.folder, file), 'r');
    try {
      const bytes = Buffer.alloc(length);
      await handle.read(bytes, 0, length, offset);
      return { run, text: bytes.toString('utf8') };
    } finally {
      await handle.close();
    }
  }
}
