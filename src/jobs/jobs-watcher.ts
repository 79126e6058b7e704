// Tells which top-level entry of the jobs folder changed, within a fraction of a second. The only file that
// touches chokidar (on the root only). The periodic full rescan remains the source of truth.
import { statSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Diagnostic } from '../diagnostic.ts';
import { FolderWatches, isIgnoredChange } from './folder-watches.ts';

/** Reported instead of an entry name when everything must be rescanned (the jobs folder was recreated). */
export const ALL_ENTRIES = '*';

export interface JobsWatcherHandlers {
  /** `entry` is a top-level name (`backup`, `5min`) or ALL_ENTRIES. Called after a quiet period per entry. */
  onEntryChanged(entry: string): void;
  onError(diagnostic: Diagnostic): void;
}

export interface JobsWatcher {
  close(): Promise<void>;
  /** Resolves when every watch is in place, each folder's included (at once if the jobs folder does not exist yet). */
  ready: Promise<void>;
}

const DEFAULT_DEBOUNCE_MS = 75;
// A file written a few ms after its new folder can go unseen (before the folder's watch is placed, or chokidar's
// known miss): report new folders again.
const RECHECK_AFTER_ADD_DIR_MS = [300, 1000];
// The root's identity (a statSync) is checked this often, and every second while it is missing. Events tell of a
// deleted or moved root at once; this is the safety net for a change that sends none (a mount over the folder).
const ROOT_SAFETY_CHECK_MS = 15_000;
const ROOT_MISSING_CHECK_MS = 1000;

/**
 * Watches `jobsFolder`: chokidar on the root alone (depth 0) for entries appearing and going, and one fs.watch per
 * folder (`NAME/file`, `5min/at0030/file`) for what happens inside. Never throws after it returns.
 */
export function watchJobsFolder(
  jobsFolder: string,
  handlers: JobsWatcherHandlers,
  opts: { debounceMs?: number } = {},
): JobsWatcher {
  const root = path.resolve(jobsFolder);
  const debounceMs = opts.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const timers = new Set<NodeJS.Timeout>();
  const pending = new Map<string, NodeJS.Timeout>();
  const toldErrors = new Set<string>();
  let rootWatcher: FSWatcher | undefined;
  let folders: FolderWatches | undefined;
  let endStart: (() => void) | undefined;
  let generation = 0;
  let identity = rootIdentity(root);
  let rootTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const report = (entry: string): void => {
    if (closed) return;
    const previous = pending.get(entry);
    if (previous) clearTimeout(previous);
    const timer = setTimeout(() => {
      pending.delete(entry);
      safely(() => handlers.onEntryChanged(entry));
    }, debounceMs);
    pending.set(entry, timer);
  };
  const reportAgainLater = (entry: string): void => {
    for (const ms of RECHECK_AFTER_ADD_DIR_MS) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        report(entry);
      }, ms);
      timer.unref();
      timers.add(timer);
    }
  };
  const safely = (fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      // A throwing handler must not take the watcher down; say so through the other handler.
      try {
        handlers.onError({
          severity: 'error',
          code: 'INTERNAL',
          path: root,
          message: `a jobs-folder change handler failed: ${String(error)}`,
        });
      } catch {
        /* nothing left to tell */
      }
    }
  };
  const fail = (error: unknown): void => {
    const diagnostic = describeWatchError(root, error);
    // ENOSPC and EMFILE come once per folder: tell each kind once per watch of the root.
    const kind = (error as NodeJS.ErrnoException | undefined)?.code ?? diagnostic.message;
    if (toldErrors.has(kind)) return;
    toldErrors.add(kind);
    safely(() => handlers.onError(diagnostic));
  };

  const start = (): Promise<void> => {
    const mine = ++generation;
    const current = (): boolean => mine === generation && !closed;
    toldErrors.clear();
    const watches = new FolderWatches(root, {
      changed: (entry, placed) => {
        report(entry);
        if (placed) reportAgainLater(entry);
      },
      failed: fail,
    });
    folders = watches;
    const w = watch(root, {
      depth: 0,
      followSymlinks: false, // a realpath per entry less at start-up; a symlinked folder is an 'add', watched alike
      ignoreInitial: true,
      ignored: (p) => p !== root && isIgnoredChange(path.basename(p)),
    });
    rootWatcher = w;
    w.on('all', (event, changed) => {
      if (!current()) return;
      if (changed === root) return void (event === 'unlinkDir' && checkRoot());
      const entry = path.basename(changed);
      if (event === 'unlink' || event === 'unlinkDir') watches.sync(entry);
      else watches.add(entry);
      report(entry);
      if (event === 'addDir') reportAgainLater(entry);
    });
    // NOTE: raw events come in order, before chokidar's: a folder deleted and recreated at once gets its new watch.
    w.on('raw', (_event, name, details) => {
      if (!current() || (details as { watchedPath?: string } | undefined)?.watchedPath !== root || !name) return;
      if (name === path.basename(root)) checkRoot(); // the root itself was deleted or moved
      if (current()) watches.add(name);
    });
    w.on('error', (error) => {
      if (!current()) return;
      checkRoot();
      if (current()) fail(error);
    });
    return new Promise<void>((resolve) => {
      endStart = resolve;
      const listed = watches.addAll(false);
      w.once('ready', () => {
        // NOTE: a second listing once chokidar watches the root: folders made during start-up are not missed.
        void listed
          .then(() => (current() ? watches.addAll(true) : undefined))
          .catch(fail)
          .finally(() => resolve());
      });
    });
  };

  const stop = (): Promise<void> => {
    generation++;
    endStart?.();
    folders?.closeAll();
    folders = undefined;
    const closing = rootWatcher?.close().catch(() => undefined);
    rootWatcher = undefined;
    return closing ?? Promise.resolve();
  };

  /** Compares the root's identity with the one watched; a change stops the watches and restarts them if needed. */
  const checkRoot = (): void => {
    if (closed) return;
    const now = rootIdentity(root);
    if (now === identity) return;
    identity = now;
    report(ALL_ENTRIES); // gone: its jobs are too; replaced: everything may differ
    void stop();
    if (now !== undefined) void start().then(() => report(ALL_ENTRIES)); // what arrived while watches were placed
    armRootCheck();
  };
  const armRootCheck = (): void => {
    clearTimeout(rootTimer);
    if (closed) return;
    rootTimer = setTimeout(
      () => {
        checkRoot();
        armRootCheck();
      },
      identity === undefined ? ROOT_MISSING_CHECK_MS : ROOT_SAFETY_CHECK_MS,
    );
    rootTimer.unref();
  };

  armRootCheck();
  const ready = identity === undefined ? Promise.resolve() : start();

  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(rootTimer);
      for (const timer of [...timers, ...pending.values()]) clearTimeout(timer);
      timers.clear();
      pending.clear();
      await stop();
    },
  };
}

/** The WATCH_FAILED diagnostic for a watch error; ENOSPC means the inotify watch limit is reached. */
export function describeWatchError(root: string, error: unknown): Diagnostic {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  const message =
    code === 'ENOSPC'
      ? `cannot watch for changes: the system's inotify watch limit is reached (${text}); raise fs.inotify.max_user_watches (e.g. sysctl fs.inotify.max_user_watches=524288); until then the periodic rescan still picks up changes`
      : `cannot watch for changes (${text}); the periodic rescan still picks up changes`;
  return { severity: 'error', code: 'WATCH_FAILED', path: root, message };
}

function rootIdentity(root: string): string | undefined {
  try {
    const stats = statSync(root);
    // birthtime tells a recreated folder apart even when the filesystem reuses the inode number.
    return stats.isDirectory() ? `${stats.dev}:${stats.ino}:${stats.birthtimeMs}` : undefined;
  } catch {
    return undefined;
  }
}
