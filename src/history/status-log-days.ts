// The status log's daily files as status-log.ts names them (job_status-YYYY-MM-DD.log, local days), and the
// calendar arithmetic the history's retention needs to agree with the status log's.
import fs from 'node:fs';
import { localDay, STATUS_LOG_DAY_FILE } from '../statuslog/status-log.ts';

export interface DayFile {
  name: string;
  /** YYYY-MM-DD */
  day: string;
}

/** The daily files in `folder`, oldest day first; none when the folder does not exist. */
export async function listDayFiles(folder: string): Promise<DayFile[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: DayFile[] = [];
  for (const name of names) {
    const day = STATUS_LOG_DAY_FILE.exec(name)?.[1];
    if (day !== undefined) files.push({ name, day });
  }
  return files.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** The day `days` after `day` (before, when negative). */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  // Noon keeps the calendar arithmetic clear of midnight DST transitions.
  return localDay(new Date(y, m - 1, d + days, 12).getTime());
}

/** The first instant of `day` in local time (01:00 where a DST change skips midnight). */
export function startOfDay(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime();
}

/** The oldest day the status log keeps on `today` with `retentionDays` daily files (0: every day). */
export function oldestKeptDay(today: string, retentionDays: number): string {
  return retentionDays > 0 ? addDays(today, -(retentionDays - 1)) : '0000-00-00';
}
