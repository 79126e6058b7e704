// Reads one PyCron-layout folder: `JOBS/5min/script` runs every 5 minutes, `JOBS/1day/at0230/script` daily at
// 02:30. Every executable file directly in such a folder is a job named by its path relative to the jobs folder.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parsePycronTokens } from '../schedule/pycron-schedule.ts';
import { withJitter } from '../schedule/jittered-schedule.ts';
import type { Schedule } from '../schedule/schedule.ts';
import { fingerprintJob } from './fingerprint-job.ts';
import type { JobOptions } from './job-options.ts';
import type { JobSpec } from './job-spec.ts';
import { isIgnoredName, looksLikeScript } from './job-file-names.ts';
import { isExecutable, readFolder } from './read-folder.ts';
import { readJobOptions } from './read-job-options.ts';
import { systemUserLookup } from './resolve-run-as-user.ts';
import type { ScanOptions, ScanResult } from './scan-jobs-folder.ts';

const PYCRON_FOLDER = /^\d+(min|hour|day|week)$/;
const AT_FOLDER = /^at\d{4}$/;

/** True for top-level folder names of the PyCron layout (`5min`, `1hour`, `2day`, `1week`). */
export function isPycronFolderName(name: string): boolean {
  return PYCRON_FOLDER.test(name);
}

/** Reads `jobsFolder/every` (and its at-folders); a folder that is gone gives an empty result. Never throws. */
export async function scanPycronFolder(jobsFolder: string, every: string, opts: ScanOptions): Promise<ScanResult> {
  const result: ScanResult = { jobs: [], diagnostics: [] };
  await scanLevel(jobsFolder, every, undefined, opts, result);
  return result;
}

async function scanLevel(
  jobsFolder: string,
  every: string,
  at: string | undefined,
  opts: ScanOptions,
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
  const parsed = parsePycronTokens(every, at, opts.timezone);
  if (!parsed.ok) {
    result.diagnostics.push({ severity: 'error', code: 'SCHEDULE_INVALID', path: folder, message: parsed.error });
    return;
  }
  // config.ini [Defaults] may name another zone or dst_gap: the same tokens, read that way.
  const schedules = new Map<string, Schedule>([[`${opts.timezone}\u0000run_after`, parsed.schedule]]);
  const scheduleFor = (name: string, timezone: string, options: JobOptions): Schedule => {
    const key = `${timezone}\u0000${options.dstGap}`;
    let schedule = schedules.get(key);
    if (!schedule) {
      const again = parsePycronTokens(every, at, timezone, options.dstGap);
      schedule = again.ok ? again.schedule : parsed.schedule;
      schedules.set(key, schedule);
    }
    const jitterMs = options.jitterMs ?? 0;
    return jitterMs > 0 ? withJitter(schedule, jitterMs, name) : schedule;
  };
  const subfolders: Promise<void>[] = [];

  for (const entry of listing.entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.kind === 'dir') {
      if (at === undefined && AT_FOLDER.test(entry.name))
        subfolders.push(scanLevel(jobsFolder, every, entry.name, opts, result));
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
    // No job.ini here: only config.ini [Defaults] gives options.
    const ini = readJobOptions({
      jobsFolder,
      folder,
      name,
      jobIni: undefined,
      reportAs: entry.path,
      defaults: opts.jobDefaults ?? {},
      defaultTimezone: opts.timezone,
      users: opts.users ?? systemUserLookup,
    });
    result.diagnostics.push(...ini.diagnostics);
    if (ini.options.type === 'proc')
      result.diagnostics.push({
        severity: 'error',
        code: 'JOB_INVALID',
        path: entry.path,
        message:
          'a proc (type = proc, from config.ini [Defaults]) takes no schedule: a PyCron-layout job always has one',
      });
    if (ini.diagnostics.length > 0 || ini.options.type === 'proc') continue;
    const timezone = ini.timezone;
    const fingerprint = fingerprintJob({
      layout: 'pycron',
      name,
      file: entry.path,
      every,
      at: at ?? null,
      timezone,
      scriptSize: entry.stats.size,
      scriptMtimeMs: entry.stats.mtimeMs,
      timeoutMs: ini.timeoutMs ?? null,
      enabled: ini.enabled,
      options: ini.options,
    });
    const job: JobSpec = {
      name,
      layout: 'pycron',
      folder,
      file: entry.path,
      command: { kind: 'exec', path: entry.path },
      schedules: [scheduleFor(name, timezone, ini.options)],
      scheduleArgs: [[]],
      timezone,
      timeoutMs: ini.timeoutMs,
      enabled: ini.enabled,
      options: ini.options,
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
