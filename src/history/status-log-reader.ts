// Follows the status log's daily files: remembers how far each was read, reads what was appended since (every
// file, or only new files and the two newest), and reads a file again from its start when it was replaced or cut.
import fs from 'node:fs';
import path from 'node:path';
import { readLogLines, type LogLine } from './read-log-lines.ts';
import { listDayFiles, type DayFile } from './status-log-days.ts';

/** `again`: the line is from a file read again, so its run may be indexed already. */
export type LineHandler = (file: string, line: LogLine, again: boolean) => void;

interface FileCursor {
  day: string;
  ino: number;
  /** Bytes read: the offset just past the last complete line. */
  read: number;
  /** The file was replaced or cut since it was read: its lines may be in the index already. */
  readAgain: boolean;
}

export class StatusLogReader {
  /** Files of days before this one are not read (the status log removes them). */
  oldestDay = '0000-00-00';
  bytesRead = 0;
  private readonly cursors = new Map<string, FileCursor>();

  constructor(
    private readonly folder: string,
    private readonly onLine: LineHandler,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Reads the lines appended since the last read: of every file (`full`), else of new files and the two newest. */
  async read(full: boolean, stopped: () => boolean): Promise<void> {
    let files: DayFile[];
    try {
      files = (await listDayFiles(this.folder)).filter((file) => file.day >= this.oldestDay);
    } catch (error) {
      this.onError(error as Error);
      return;
    }
    const present = new Set(files.map((file) => file.name));
    for (const name of this.cursors.keys()) if (!present.has(name)) this.cursors.delete(name);
    const newest = new Set(files.slice(-2).map((file) => file.name));
    for (const file of files) {
      if (stopped()) return;
      if (full || newest.has(file.name) || !this.cursors.has(file.name)) await this.readFile(file, stopped);
    }
  }

  /** Forgets the files of days before `day`. */
  forgetBefore(day: string): void {
    this.oldestDay = day;
    for (const [name, cursor] of this.cursors) if (cursor.day < day) this.cursors.delete(name);
  }

  private async readFile({ name, day }: DayFile, stopped: () => boolean): Promise<void> {
    const file = path.join(this.folder, name);
    try {
      const stat = await fs.promises.stat(file);
      let cursor = this.cursors.get(name);
      // A file replaced or cut (not what the status log does) is read again from its start.
      if (!cursor || cursor.ino !== stat.ino || stat.size < cursor.read) {
        cursor = { day, ino: stat.ino, read: 0, readAgain: cursor !== undefined };
        this.cursors.set(name, cursor);
      }
      if (stat.size === cursor.read) return;
      const from = cursor.read;
      const again = cursor.readAgain;
      cursor.read = await readLogLines(file, from, (line) => this.onLine(name, line, again), stopped);
      cursor.readAgain = false;
      this.bytesRead += cursor.read - from;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') this.cursors.delete(name);
      else this.onError(error as Error);
    }
  }
}
