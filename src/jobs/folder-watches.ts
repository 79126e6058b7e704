// One plain fs.watch per top-level folder of the jobs folder (and per at-folder of a PyCron folder): at 10,000
// folders a tenth of chokidar's time and memory. Any event inside a folder counts as a change of that folder.
import { readdirSync, statSync, watch, type Dirent, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { isPycronFolderName } from './pycron-layout.ts';

const AT_FOLDER = /^at\d{4}$/;
const EDITOR_LEFTOVER = /(~|\.swp|\.swo|\.swx|\.bak|\.tmp)$|^#.*#$|^4913$/;
// Watches placed per event-loop turn at start-up (~10 ms a turn), so timers and I/O are not held up for long.
const WATCHES_PER_TURN = 500;

export interface FolderWatchHandlers {
  /** Something happened in top-level `entry`; `placed` when its watch was just placed (earlier files went unseen). */
  changed(entry: string, placed: boolean): void;
  /** fs.watch failed for another reason than the folder being gone (ENOSPC, EMFILE, EACCES). */
  failed(error: unknown): void;
}

interface FolderWatch {
  watcher: FSWatcher;
  /** At-folder name -> its watch; PyCron folders only. */
  atFolders: Map<string, FSWatcher>;
}

/** True for names whose changes are never reported: hidden files and editor leftovers. */
export function isIgnoredChange(name: string): boolean {
  return name.startsWith('.') || EDITOR_LEFTOVER.test(name);
}

/** The per-folder watches of one jobs folder. Never throws; a folder that vanishes just loses its watch. */
export class FolderWatches {
  private readonly watches = new Map<string, FolderWatch>();
  private closed = false;

  constructor(
    private readonly root: string,
    private readonly handlers: FolderWatchHandlers,
  ) {}

  /** Watches every folder now in the root, a chunk per event-loop turn; `announce` reports the ones not yet watched. */
  async addAll(announce: boolean): Promise<void> {
    let entries: Dirent[];
    try {
      entries = readdirSync(this.root, { withFileTypes: true });
    } catch {
      return; // the root is gone: its identity check takes over
    }
    for (let i = 0; i < entries.length; i++) {
      if (i > 0 && i % WATCHES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
      if (this.closed) return;
      const dirent = entries[i];
      if (dirent && (dirent.isDirectory() || dirent.isSymbolicLink()))
        this.add(dirent.name, { knownFolder: dirent.isDirectory(), announce });
    }
  }

  /** Watches top-level `entry` if it is a folder and not watched yet (idempotent; one statSync at most). */
  add(entry: string, opts: { knownFolder?: boolean; announce?: boolean } = {}): void {
    if (this.closed || this.watches.has(entry) || isIgnoredChange(entry)) return;
    const folder = path.join(this.root, entry);
    const watcher = this.open(folder, opts.knownFolder === true, (name, source) => {
      if (this.watches.get(entry)?.watcher === source) this.onEvent(entry, name); // else a replaced watch
    });
    if (!watcher) return;
    const watch: FolderWatch = { watcher, atFolders: new Map() };
    this.watches.set(entry, watch);
    if (isPycronFolderName(entry))
      for (const name of listAtFolders(folder)) this.addAtFolder(entry, watch, name, false);
    if (opts.announce !== false) this.handlers.changed(entry, true);
  }

  /** Drops the watch of `entry` unless it is still a folder (chokidar said it went; it may be back already). */
  sync(entry: string): void {
    if (!isFolder(path.join(this.root, entry))) this.drop(entry);
    else this.add(entry);
  }

  closeAll(): void {
    this.closed = true;
    for (const entry of [...this.watches.keys()]) this.drop(entry);
  }

  private onEvent(entry: string, name: string | null): void {
    const watch = this.watches.get(entry);
    if (name !== null && isIgnoredChange(name)) return;
    // The folder's own name: it was deleted or moved (or holds a file of the same name). Check before reporting.
    if (name === null || name === entry) this.refresh(entry);
    else if (watch && AT_FOLDER.test(name) && isPycronFolderName(entry)) this.addAtFolder(entry, watch, name, true);
    this.handlers.changed(entry, false);
  }

  /** Re-places the watch of `entry` on whatever folder is now at its path, or drops it. */
  private refresh(entry: string): void {
    const old = this.watches.get(entry);
    if (!old) return;
    this.watches.delete(entry);
    // NOTE: the new watch is placed before the old one closes, so a folder that is still there loses no event.
    this.add(entry, { announce: false });
    old.watcher.close();
    for (const watcher of old.atFolders.values()) watcher.close();
  }

  private addAtFolder(entry: string, watch: FolderWatch, name: string, announce: boolean): void {
    if (watch.atFolders.has(name)) return;
    const folder = path.join(this.root, entry, name);
    const watcher = this.open(folder, false, (changed, source) => {
      if (watch.atFolders.get(name) !== source || (changed !== null && isIgnoredChange(changed))) return;
      if (changed === null || changed === name) {
        // Deleted, moved or failed: re-place the watch on whatever folder is there now, if any.
        const old = watch.atFolders.get(name);
        watch.atFolders.delete(name);
        if (this.watches.get(entry) === watch) this.addAtFolder(entry, watch, name, false);
        old?.close();
      }
      this.handlers.changed(entry, false);
    });
    if (!watcher) return;
    watch.atFolders.set(name, watcher);
    if (announce) this.handlers.changed(entry, true);
  }

  private drop(entry: string): void {
    const watch = this.watches.get(entry);
    if (!watch) return;
    this.watches.delete(entry);
    watch.watcher.close();
    for (const watcher of watch.atFolders.values()) watcher.close();
  }

  /** fs.watch on `folder`, or undefined when it is not a folder (any more) or cannot be watched. */
  private open(
    folder: string,
    knownFolder: boolean,
    onEvent: (name: string | null, source: FSWatcher) => void,
  ): FSWatcher | undefined {
    if (!knownFolder && !isFolder(folder)) return undefined;
    try {
      const watcher: FSWatcher = watch(folder, (_event, name) => onEvent(name, watcher));
      // An fs.watch error must never escape as an 'error' event without a listener (it would crash the service).
      watcher.on('error', (error) => {
        watcher.close();
        if (!isGone(error)) this.handlers.failed(error);
        onEvent(null, watcher);
      });
      return watcher;
    } catch (error) {
      if (!isGone(error)) this.handlers.failed(error);
      return undefined;
    }
  }
}

function listAtFolders(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((d) => AT_FOLDER.test(d.name) && (d.isDirectory() || d.isSymbolicLink()))
      .map((d) => d.name);
  } catch {
    return [];
  }
}

function isFolder(folder: string): boolean {
  try {
    return statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
