// Reads one PyCron-layout folder: `JOBS/5min/script` runs every 5 minutes, `JOBS/1day/at0230/script` daily at
// 02:30. Every executable file directly in such a folder is a job named by its path relative to the jobs folder.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parsePycronTokens } from '../schedule/pycron-schedule.ts';
import type { Schedule } from '../schedule/schedule.ts';
import { fingerprintJob } from './fingerprint-job.ts';
import { defaultJobOptions } from './job-options.ts';
import type { JobSpec } from './job-spec.ts';
import { isIgnoredName, looksLikeScript } from './job-file-names.ts';
import { isExecutable, readFolder } from './read-folder.ts';
import type { ScanResult } from './scan-jobs-folder.ts';

const PYCRON_FOLDER = /^\d+(min|hour|day|week)$/;
const AT_FOLDER = /^at\d{4}$/;

/** True for top-level folder names of the PyCron layout (`5min`, `1hour`, `2day`, `1week`). */
export function isPycronFolderName(name: string): boolean {
  return PYCRON_FOLDER.test(name);
}

/** Reads `jobsFolder/every` (and its at-folders); a folder that is gone gives an empty result. Never throws. */
export async function scanPycronFolder(
  jobsFolder: string,
  every: string,
  opts: { timezone: string },
): Promise<ScanResult> {
  const result: ScanResult = { jobs: [], diagnostics: [] };
  await scanLevel(jobsFolder, every, undefined, opts.timezone, result);
  return result;
}

async function scanLevel(
  jobsFolder: string,
  every: string,
  at: string | undefined,
  timezone: string,
  result: ScanResult,
): Promise<void> {
  const relative = at === undefined ? every : `${every}/${at}`;
  const folder = path.join(jobsFolder, relative);
  const warn = (where: string, message: string): void => {
    result.diagnostics.push({ severity: 'warning', code: 'JOB_INVALID', path: where, message });
  };
  const listing = readFolder(folder);
  if (!listing.ok) {
    if (!listing.gone)
      result.diagnostics.push({
        severity: 'error',
        code: 'IO_FAILED',
        path: folder,
        message: `cannot be read (${listing.error})`,
      });
    return;
  }
  const parsed = parsePycronTokens(every, at, timezone);
  if (!parsed.ok) {
    result.diagnostics.push({ severity: 'error', code: 'SCHEDULE_INVALID', path: folder, message: parsed.error });
    return;
  }
  const schedule: Schedule = parsed.schedule;
  const subfolders: Promise<void>[] = [];

  for (const entry of listing.entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.kind === 'dir') {
      if (at === undefined && AT_FOLDER.test(entry.name))
        subfolders.push(scanLevel(jobsFolder, every, entry.name, timezone, result));
      else if (at === undefined)
        warn(entry.path, `not an at-folder (atHHMM, such as at0230), so its files are not jobs`);
      else warn(entry.path, `a folder inside an at-folder is not read, so its files are not jobs`);
      continue;
    }
    if (entry.kind !== 'file' || !entry.stats || isIgnoredName(entry.name)) continue;
    if (!isExecutable(entry.stats)) {
      if (await looksRunnable(entry.path, entry.name))
        warn(entry.path, `not executable, so it is not a job: chmod +x it to run it`);
      continue;
    }
    const name = `${relative}/${entry.name}`;
    const fingerprint = fingerprintJob({
      layout: 'pycron',
      name,
      file: entry.path,
      every,
      at: at ?? null,
      timezone,
      scriptSize: entry.stats.size,
      scriptMtimeMs: entry.stats.mtimeMs,
    });
    const job: JobSpec = {
      name,
      layout: 'pycron',
      folder,
      file: entry.path,
      command: { kind: 'exec', path: entry.path },
      schedules: [schedule],
      scheduleArgs: [[]],
      timezone,
      timeoutMs: undefined,
      enabled: true,
      options: defaultJobOptions(folder, name),
      fingerprint,
    };
    result.jobs.push(job);
  }
  await Promise.all(subfolders);
}

/** A script-like extension, or (for names without one) a `#!` first line. */
async function looksRunnable(file: string, name: string): Promise<boolean> {
  if (looksLikeScript(name)) return true;
  if (name.includes('.')) return false;
  let handle;
  try {
    handle = await fs.open(file, 'r');
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer.toString('latin1') === '#!';
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}
