// The service's in-memory copy of the state, saved through a StateStore after every change.
import { emptyJobState, type JobState, type ServiceState, type StateStore } from './job-state.ts';

export class StateBook {
  private readonly state: ServiceState;
  private readonly store: StateStore;

  constructor(state: ServiceState, store: StateStore) {
    this.state = state;
    this.store = store;
  }

  get(job: string): JobState {
    // NOTE: hasOwn, so a job named 'constructor' or 'toString' is not read from Object's prototype.
    return (Object.hasOwn(this.state.jobs, job) ? this.state.jobs[job] : undefined) ?? emptyJobState();
  }

  has(job: string): boolean {
    return Object.hasOwn(this.state.jobs, job);
  }

  names(): string[] {
    return Object.keys(this.state.jobs);
  }

  set(job: string, jobState: JobState): void {
    this.state.jobs[job] = jobState;
    this.store.save(this.state);
  }

  /** Resolves when every change so far is on disk. */
  flush(): Promise<void> {
    return this.store.flush();
  }
}
