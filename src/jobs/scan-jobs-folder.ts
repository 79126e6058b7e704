// Turns the jobs folder into job specs and diagnostics: each top-level entry is a PyCron-layout folder
// (`5min/`), a job folder (`NAME/`), or ignored. The full scan is the source of truth; scanEntry refreshes one.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import type { JobSpec } from './job-spec.ts';
import { isIgnoredName, PROTOS_FOLDER } from './job-file-names.ts';
import { readJobFolder } from './job-folder.ts';
import { isPycronFolderName, scanPycronFolder } from './pycron-layout.ts';
import { isExecutable } from './read-folder.ts';
import type { JobDefaults } from './read-job-options.ts';
import type { UserLookup } from './resolve-run-as-user.ts';

export interface ScanResult {
  jobs: JobSpec[];
  diagnostics: Diagnostic[];
}

export interface ScanOptions {
  /** The zone of schedules that name none (config default). */
  timezone: string;
  /** config.ini [Defaults]: job.ini keys for every job, under its protos and its job.ini. */
  jobDefaults?: JobDefaults;
  /** Who pycron runs as and the user database (`user =`); the real system when not given. */
  users?: UserLookup;
}

/** Longest stretch a scan reads folders before it lets the event loop run. */
const SCAN_SLICE_MS = 8;

/** Scans the whole jobs folder. A missing or unreadable jobs folder is one error diagnostic. Never throws. */
export async function scanJobsFolder(jobsFolder: string, opts: ScanOptions): Promise<ScanResult> {
  let dirents;
  try {
    dirents = await fs.readdir(jobsFolder, { withFileTypes: true });
  } catch (error) {
    const message = `the jobs folder cannot be read (${(error as Error).message})`;
    return { jobs: [], diagnostics: [{ severity: 'error', code: 'IO_FAILED', path: jobsFolder, message }] };
  }
  // NOTE: readdir's file types spare a stat per folder; only symlinks and plain files need one.
  const jobs: JobSpec[] = [];
  const diagnostics: Diagnostic[] = [];
  let sliceStart = performance.now();
  for (const dirent of dirents) {
    const result = dirent.isDirectory()
      ? await scanFolderEntry(jobsFolder, dirent.name, opts)
      : await scanEntry(jobsFolder, dirent.name, opts);
    jobs.push(...result.jobs);
    diagnostics.push(...result.diagnostics);
    // Folders are read synchronously; give the event loop (due runs, ending runs) a turn every few ms.
    if (performance.now() - sliceStart > SCAN_SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return sortResult({ jobs, diagnostics });
}

/**
 * Scans one top-level entry of the jobs folder (`backup`, `5min`). An entry that no longer exists gives an empty
 * result: the caller drops its jobs. Never throws.
 */
export async function scanEntry(jobsFolder: string, entry: string, opts: ScanOptions): Promise<ScanResult> {
  if (entry === '' || entry.includes('/') || entry === '..') return { jobs: [], diagnostics: [] };
  const entryPath = path.join(jobsFolder, entry);
  let stats;
  try {
    stats = await fs.stat(entryPath);
  } catch {
    return { jobs: [], diagnostics: [] }; // gone (or a dangling symlink): nothing to run
  }
  if (stats.isDirectory()) return sortResult(await scanFolderEntry(jobsFolder, entry, opts));
  if (stats.isFile() && !isIgnoredName(entry) && isExecutable(stats)) {
    const message =
      'not in a job folder, so it is not a job: move it into a folder such as 5min/ (PyCron layout) or NAME/ with a schedule file';
    return { jobs: [], diagnostics: [{ severity: 'warning', code: 'JOB_INVALID', path: entryPath, message }] };
  }
  return { jobs: [], diagnostics: [] };
}

async function scanFolderEntry(jobsFolder: string, entry: string, opts: ScanOptions): Promise<ScanResult> {
  if (entry.startsWith('.')) return { jobs: [], diagnostics: [] }; // hidden: .git, .trash, editors' folders
  if (entry === PROTOS_FOLDER) return { jobs: [], diagnostics: [] }; // shared job.ini parts, read with each job
  return isPycronFolderName(entry) ? scanPycronFolder(jobsFolder, entry, opts) : readJobFolder(jobsFolder, entry, opts);
}

function sortResult(result: ScanResult): ScanResult {
  result.jobs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  result.diagnostics.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}
