// pycron_invalid_job_folders: how many entries of the jobs folder have at least one error.
import path from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';

/**
 * Counts the distinct top-level entries of `jobsFolder` named by an error; several errors in one folder (its
 * job.ini, its schedule file) count once. Warnings, and errors about the jobs folder itself, are not counted.
 */
export function countInvalidJobFolders(diagnostics: readonly Diagnostic[], jobsFolder: string): number {
  const entries = new Set<string>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.severity !== 'error') continue;
    const relative = path.relative(jobsFolder, path.resolve(jobsFolder, diagnostic.path));
    if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
      continue;
    }
    entries.add(relative.split(path.sep)[0] as string);
  }
  return entries.size;
}
