// Watches a few files (restart_on_change / hup_on_change) and reports each real change once. Editors save by
// writing a new file and renaming it over the old one, which a watch on the file itself would lose, so the parent
// folder is watched and events are filtered by name; a burst of events is debounced and a change is confirmed by
// the file's inode, size and mtime. A slow poll is the safety net (a folder created later, a lost watch).
import { statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export const FILE_CHANGE_DEBOUNCE_MS = 100;
export const FILE_CHANGE_POLL_MS = 5_000;

export interface FileChangeWatch {
  close(): void;
}

export interface WatchFileChangesOptions {
  /** Called once per confirmed change, with the path as given. A file that appears counts; one that goes does not. */
  onChange(file: string): void;
  /** A folder cannot be watched for a reason other than not existing (reported once per folder and reason). */
  onError?(message: string): void;
  debounceMs?: number;
  pollMs?: number;
}

interface WatchedFolder {
  names: Set<string>;
  watcher: FSWatcher | undefined;
}

/** Never throws: a missing file or folder is watched for, as it may appear later. */
export function watchFileChanges(files: readonly string[], opts: WatchFileChangesOptions): FileChangeWatch {
  const debounceMs = opts.debounceMs ?? FILE_CHANGE_DEBOUNCE_MS;
  const pollMs = opts.pollMs ?? FILE_CHANGE_POLL_MS;
  const signatures = new Map<string, string | undefined>();
  const folders = new Map<string, WatchedFolder>();
  const pending = new Map<string, NodeJS.Timeout>();
  const reported = new Set<string>();
  let closed = false;

  for (const file of new Set(files)) {
    signatures.set(file, signatureOf(file));
    const folder = path.dirname(file);
    const entry = folders.get(folder) ?? { names: new Set<string>(), watcher: undefined };
    entry.names.add(path.basename(file));
    folders.set(folder, entry);
  }

  const check = (file: string): void => {
    pending.delete(file);
    if (closed) return;
    const before = signatures.get(file);
    const now = signatureOf(file);
    if (now === before) return;
    signatures.set(file, now);
    if (now === undefined) return; // gone: nothing to restart with; its return is the change
    try {
      opts.onChange(file);
    } catch (error) {
      opts.onError?.(`a change of ${file} could not be handled: ${String(error)}`);
    }
  };
  const scheduleCheck = (file: string): void => {
    if (closed) return;
    clearTimeout(pending.get(file));
    pending.set(
      file,
      setTimeout(() => check(file), debounceMs),
    );
  };

  const armFolder = (folder: string, entry: WatchedFolder): void => {
    if (entry.watcher || closed) return;
    try {
      // persistent: false, so a watch never keeps the service (or a test) alive on its own.
      entry.watcher = watch(folder, { persistent: false }, (_event, name) => {
        const names = name === null ? [...entry.names] : entry.names.has(name) ? [name] : [];
        for (const n of names) scheduleCheck(path.join(folder, n));
      });
      entry.watcher.on('error', (error) => {
        entry.watcher?.close();
        entry.watcher = undefined; // the poll arms it again (the folder was removed, and may come back)
        report(folder, error);
      });
      // The folder may have been created, or the file replaced, between the signature and the watch.
      for (const n of entry.names) scheduleCheck(path.join(folder, n));
    } catch (error) {
      report(folder, error);
    }
  };
  const report = (folder: string, error: unknown): void => {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if (code === 'ENOENT' || reported.has(`${folder}\0${code}`)) return;
    reported.add(`${folder}\0${code}`);
    opts.onError?.(`cannot watch ${folder} for changes (${code}); it is checked every ${pollMs / 1000} s instead`);
  };

  const poll = setInterval(() => {
    for (const [folder, entry] of folders) {
      if (!entry.watcher) armFolder(folder, entry);
    }
    for (const file of signatures.keys()) {
      if (!pending.has(file)) scheduleCheck(file);
    }
  }, pollMs);
  poll.unref();
  for (const [folder, entry] of folders) armFolder(folder, entry);

  return {
    close() {
      if (closed) return;
      closed = true;
      clearInterval(poll);
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
      for (const entry of folders.values()) entry.watcher?.close();
    },
  };
}

/** inode, size and mtime: enough to tell a new version, also one written within the same second. */
function signatureOf(file: string): string | undefined {
  try {
    const stat = statSync(file, { bigint: true });
    return `${stat.ino}:${stat.size}:${stat.mtimeNs}`;
  } catch {
    return undefined;
  }
}
