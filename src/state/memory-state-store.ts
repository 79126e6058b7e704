// The in-memory twin of the state file for tests: same contract, deep copies so callers cannot share objects.
import { emptyState } from './job-state.ts';
import type { ServiceState, StateStore } from './job-state.ts';

export class MemoryStateStore implements StateStore {
  /** How many times save() was called. */
  saves = 0;
  private stored: ServiceState;
  private readonly warning: string | undefined;

  constructor(initial: ServiceState = emptyState(), opts: { warning?: string } = {}) {
    this.stored = structuredClone(initial);
    this.warning = opts.warning;
  }

  async load(): Promise<{ state: ServiceState; warning?: string }> {
    const state = structuredClone(this.stored);
    return this.warning === undefined ? { state } : { state, warning: this.warning };
  }

  save(state: ServiceState): void {
    this.saves++;
    this.stored = structuredClone(state);
  }

  async flush(): Promise<void> {}

  /** A copy of what was saved last. */
  current(): ServiceState {
    return structuredClone(this.stored);
  }
}
