// The scheduler state of one instance, kept in PostgreSQL under its INSTANCE_ID instead of a JSON file, so an
// instance moved to a new host (or a new container) goes on where it stopped. Saves are coalesced like the file's;
// a save that fails (database down) is tried again, and flush() waits for it.
import { emptyState, type ServiceState, type StateStore } from '../state/job-state.ts';
import { stateFileSchema } from '../state/state-file-schema.ts';
import type { ClusterStore } from './cluster-store.ts';

export interface ClusterStateStoreOptions {
  store: ClusterStore;
  instanceId: string;
  onError(error: Error): void;
  coalesceMs?: number;
}

const RETRY_MS = 500;
const FLUSH_WAIT_MS = 5_000;

export class ClusterStateStore implements StateStore {
  private readonly options: ClusterStateStoreOptions;
  private latest: ServiceState | undefined;
  private requested = 0;
  private durable = 0;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private waiters: { upTo: number; resolve(): void }[] = [];
  private closed = false;

  constructor(options: ClusterStateStoreOptions) {
    this.options = options;
  }

  async load(): Promise<{ state: ServiceState; warning?: string }> {
    const raw = await this.options.store.loadState(this.options.instanceId);
    if (raw === undefined) return { state: emptyState() };
    const parsed = stateFileSchema.safeParse(raw);
    if (parsed.success) return { state: parsed.data };
    const issue = parsed.error.issues[0];
    return {
      state: emptyState(),
      warning:
        `the state of ${this.options.instanceId} in the database is not a pycron state ` +
        `(${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}): starting from an empty state`,
    };
  }

  save(state: ServiceState): void {
    this.latest = state;
    this.requested++;
    this.schedule(this.options.coalesceMs ?? 50);
  }

  /**
   * Resolves once every save asked for so far is in the database; rejects after FLUSH_WAIT_MS while the database
   * does not answer (the save itself goes on being tried).
   */
  flush(): Promise<void> {
    const upTo = this.requested;
    if (this.durable >= upTo) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        reject(new Error(`the state is not in the database yet (it does not answer); it is being tried again`));
      }, FLUSH_WAIT_MS).unref();
      const entry = {
        upTo,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(entry);
      this.schedule(0);
    });
  }

  /** No more writes (the database is being closed): what is not saved by now stays unsaved. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.writing) return;
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    // NOTE: unref'd: a save that cannot reach the database must not keep a stopping process alive.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.write().finally(() => {
        this.writing = undefined;
        if (this.requested > this.durable) this.schedule(this.waiters.length > 0 ? 0 : RETRY_MS);
      });
    }, delayMs).unref();
  }

  private async write(): Promise<void> {
    const upTo = this.requested;
    try {
      await this.options.store.saveState(this.options.instanceId, this.latest ?? emptyState());
      this.durable = upTo;
      const done = this.waiters.filter((waiter) => waiter.upTo <= upTo);
      this.waiters = this.waiters.filter((waiter) => waiter.upTo > upTo);
      for (const waiter of done) waiter.resolve();
    } catch (error) {
      if (!this.closed) this.options.onError(error as Error);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
    }
  }
}
