// Lists one folder with the fewest system calls: one readdir with file types, then one stat per file that
// could be a job (for its exec bit, size and mtime) and per symlink (to see what it points at).
// NOTE: synchronous on purpose: a folder costs a few tens of microseconds this way, against ten times that through
// the thread pool; scanJobsFolder yields to the event loop between folders so a big scan never blocks for long.
import { readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { isIgnoredName } from './job-file-names.ts';

export interface FolderEntry {
  name: string;
  path: string;
  kind: 'file' | 'dir' | 'other';
  /** Present for files that are not ignored names (see isIgnoredName). */
  stats?: Stats;
}

export type FolderListing = { ok: true; entries: FolderEntry[] } | { ok: false; gone: boolean; error: string };

export function isExecutable(stats: Stats): boolean {
  return (stats.mode & 0o111) !== 0;
}

/** Lists `dir`; `gone` is true when it no longer exists (or is not a folder), which is not an error. */
export function readFolder(dir: string): FolderListing {
  let dirents;
  try {
    dirents = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, gone: code === 'ENOENT' || code === 'ENOTDIR', error: (error as Error).message };
  }
  const entries = dirents.map((dirent): FolderEntry | undefined => {
    const entryPath = path.join(dir, dirent.name);
    const symlink = dirent.isSymbolicLink();
    const wantsStats = symlink || (dirent.isFile() && !isIgnoredName(dirent.name));
    if (!wantsStats) {
      return {
        name: dirent.name,
        path: entryPath,
        kind: dirent.isDirectory() ? 'dir' : dirent.isFile() ? 'file' : 'other',
      };
    }
    try {
      const stats = statSync(entryPath);
      const kind = stats.isDirectory() ? 'dir' : stats.isFile() ? 'file' : 'other';
      return { name: dirent.name, path: entryPath, kind, ...(kind === 'file' ? { stats } : {}) };
    } catch {
      return undefined; // removed since readdir, or a dangling symlink: not a job
    }
  });
  return {
    ok: true,
    entries: entries.filter((e): e is FolderEntry => e !== undefined).sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}
