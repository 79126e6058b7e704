// @reboot jobs run once per host boot, not once per service start: the boot id they last ran for is kept in the state.
import type { Clock } from '../clock.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import type { RunManager } from '../runs/run-manager.ts';
import type { StateBook } from '../state/state-book.ts';

export interface RebootOptions {
  jobs: readonly JobSpec[];
  state: StateBook;
  runs: RunManager;
  bootId: string | undefined;
  clock: Clock;
  logger: ServiceLogger;
}

export function runRebootJobs({ jobs, state, runs, bootId, clock, logger }: RebootOptions): void {
  const boot = bootId ?? 'unknown-boot';
  for (const job of jobs) {
    if (!job.enabled || !job.schedules.some((s) => s.kind === 'reboot')) continue;
    const jobState = state.get(job.name);
    if (jobState.rebootFiredFor === boot) continue;
    if (runs.isRunning(job.name)) {
      logger.warn(`@reboot run of ${job.name} skipped: its previous run is still running`);
      continue;
    }
    state.set(job.name, { ...jobState, rebootFiredFor: boot });
    void runs.start(job, {
      job: job.name,
      scheduledAt: clock.now(),
      reason: 'reboot',
      attempt: jobState.failures + 1,
      collapsedSlots: 0,
      args: [],
    });
  }
}
