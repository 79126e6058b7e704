// The state file: written atomically (same-folder temp file, fsync, rename, fsync of the folder) so a crash at any
// instant leaves the old or the new state, never a torn file; bursts of saves become one write.
import * as fsPromises from 'node:fs/promises';
import path from 'node:path';
import { PycronError } from '../errors.ts';
import { emptyState } from './job-state.ts';
import type { ServiceState, StateStore } from './job-state.ts';
import { parseStateFile } from './state-file-schema.ts';

/** The file-system calls the store makes; tests pass a wrapper to count or fail them. */
export type StateFileSystem = Pick<typeof fsPromises, 'mkdir' | 'open' | 'rename' | 'readFile' | 'readdir' | 'unlink'>;

export interface JsonFileStateStoreOptions {
  /** Saves arriving within this many ms of the first become one write (default 50). */
  coalesceMs?: number;
  /** Called with each failed write (code STATE_WRITE_FAILED); the next save or flush tries again. */
  onError?: (error: PycronError) => void;
  /** Names the moved-aside file (`<file>.corrupt-<ISO time>`); default Date.now. */
  now?: () => number;
  fs?: StateFileSystem;
}

export const DEFAULT_COALESCE_MS = 50;

interface FlushWaiter {
  upTo: number;
  resolve: () => void;
  reject: (error: PycronError) => void;
}

export class JsonFileStateStore implements StateStore {
  readonly filePath: string;
  private readonly tempPath: string;
  private readonly coalesceMs: number;
  private readonly onError: (error: PycronError) => void;
  private readonly now: () => number;
  private readonly fs: StateFileSystem;
  private latest: ServiceState | undefined;
  /** Numbers every save(); `durable` is the highest number known to be on disk. */
  private requested = 0;
  private durable = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing = false;
  private folderReady = false;
  private waiters: FlushWaiter[] = [];

  constructor(filePath: string, opts: JsonFileStateStoreOptions = {}) {
    this.filePath = path.resolve(filePath);
    this.tempPath = path.join(path.dirname(this.filePath), `.${path.basename(this.filePath)}.tmp-${process.pid}`);
    this.coalesceMs = opts.coalesceMs ?? DEFAULT_COALESCE_MS;
    this.onError = opts.onError ?? (() => {});
    this.now = opts.now ?? Date.now;
    this.fs = opts.fs ?? fsPromises;
  }

  async load(): Promise<{ state: ServiceState; warning?: string }> {
    await this.removeStaleTempFiles();
    let text: string;
    try {
      text = await this.fs.readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState() };
      return this.setAside(`it cannot be read: ${(error as Error).message}`);
    }
    const parsed = parseStateFile(text);
    if ('state' in parsed) return { state: parsed.state };
    return this.setAside(`it is ${parsed.reason}`);
  }

  /** Keeps a reference to `state`; it is serialized when the write starts, so later changes are included. */
  save(state: ServiceState): void {
    this.latest = state;
    this.requested++;
    this.schedule(this.coalesceMs);
  }

  flush(): Promise<void> {
    const upTo = this.requested;
    if (this.durable >= upTo) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      if (this.writing) return; // the write in progress schedules the next one at once
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.writeLatest();
    });
  }

  private schedule(delayMs: number): void {
    if (this.writing || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeLatest();
    }, delayMs);
  }

  private async writeLatest(): Promise<void> {
    this.writing = true;
    const upTo = this.requested;
    let failed = false;
    try {
      await this.writeAtomically(`${JSON.stringify(this.latest ?? emptyState(), null, 1)}\n`);
      this.durable = upTo;
      this.settleWaiters(upTo);
    } catch (cause) {
      failed = true;
      this.folderReady = false;
      const error = new PycronError('STATE_WRITE_FAILED', {
        where: { file: this.filePath },
        reason: `the state could not be written (${(cause as Error).message}); it will be tried again on the next save`,
        cause,
      });
      this.settleWaiters(upTo, error);
      this.onError(error);
    } finally {
      this.writing = false;
    }
    // NOTE: saves that arrived during the write; after a failure only a newer save (or a flush) tries again.
    if (this.requested > upTo) this.schedule(this.waiters.length > 0 ? 0 : this.coalesceMs);
    else if (failed && this.waiters.length > 0) this.schedule(0);
  }

  private settleWaiters(upTo: number, error?: PycronError): void {
    const done = this.waiters.filter((w) => w.upTo <= upTo);
    this.waiters = this.waiters.filter((w) => w.upTo > upTo);
    for (const waiter of done) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }

  private async writeAtomically(text: string): Promise<void> {
    const folder = path.dirname(this.filePath);
    if (!this.folderReady) {
      await this.fs.mkdir(folder, { recursive: true });
      this.folderReady = true;
    }
    const file = await this.fs.open(this.tempPath, 'w');
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await this.fs.rename(this.tempPath, this.filePath);
    // The rename itself is durable only once the folder's entry is synced.
    const dir = await this.fs.open(folder, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  private async setAside(reason: string): Promise<{ state: ServiceState; warning: string }> {
    const aside = `${this.filePath}.corrupt-${new Date(this.now()).toISOString()}`;
    try {
      await this.fs.rename(this.filePath, aside);
    } catch (error) {
      return {
        state: emptyState(),
        warning:
          `State file ${this.filePath} is unusable (${reason}) and could not be moved aside to ${aside} ` +
          `(${(error as Error).message}); the service starts with an empty state and will overwrite it.`,
      };
    }
    return {
      state: emptyState(),
      warning: `State file ${this.filePath} is unusable (${reason}); it was moved aside to ${aside} and the service starts with an empty state.`,
    };
  }

  /** Temp files left by a killed process (its pid is gone) are removed; a live writer's is left alone. */
  private async removeStaleTempFiles(): Promise<void> {
    const folder = path.dirname(this.filePath);
    const prefix = `.${path.basename(this.filePath)}.tmp-`;
    let names: string[];
    try {
      names = await this.fs.readdir(folder);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const pid = Number(name.slice(prefix.length));
      if (!Number.isInteger(pid) || (pid === process.pid ? this.writing : isAlive(pid))) continue;
      await this.fs.unlink(path.join(folder, name)).catch(() => {});
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
