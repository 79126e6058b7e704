// The loop around planFirings: one timer armed for the earliest due job; on wake, plan the due jobs and act.
import type { Clock, Timer } from '../clock.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { StateBook } from '../state/state-book.ts';
import type { Firing } from './firing.ts';
import { planFirings, type PlanContext, type SkippedSlots } from './plan-firings.ts';

export interface SchedulerDeps {
  clock: Clock;
  state: StateBook;
  isRunning(job: string): boolean;
  /** Start a run for this firing through the job's overlap policy (the state already records the slot). */
  fire(job: JobSpec, firing: Firing): void;
  /** Missed slots were passed over without a run (catch_up = skip, catch_up_max_age). */
  skipped(job: JobSpec, skipped: SkippedSlots): void;
  /** For kopf's `random`; Math.random by default. */
  random?: () => number;
}

interface ScheduledJob {
  spec: JobSpec;
  /** When to plan this job again; undefined = nothing scheduled. */
  nextAt: number | undefined;
  /** Planned at least once since the service started. */
  planned: boolean;
  /** catch_up = all: missed slots up to this instant are still to run. */
  backlogUntil?: number;
  /** catch_up = all: why those slots were missed. */
  backlogWhile?: PlanContext['backlogWhile'];
}

export class Scheduler {
  private readonly deps: SchedulerDeps;
  private readonly jobs = new Map<string, ScheduledJob>();
  private timer: Timer | undefined;
  private timerAt: number | undefined;
  private running = false;
  private paused = false;

  constructor(deps: SchedulerDeps) {
    this.deps = deps;
  }

  /** Jobs known at start-up: their passed slots were missed while the service was down. */
  addAtStartUp(spec: JobSpec): void {
    this.jobs.set(spec.name, { spec, nextAt: undefined, planned: false });
  }

  /** A job added or changed while the service runs: it starts from now, slots before now are not missed. */
  upsert(spec: JobSpec): void {
    const state = this.deps.state.get(spec.name);
    const now = this.deps.clock.now();
    if (state.lastSlotAt === undefined || state.lastSlotAt < now) {
      this.deps.state.set(spec.name, { ...state, lastSlotAt: now, knownSince: state.knownSince ?? now });
    }
    this.jobs.set(spec.name, { spec, nextAt: undefined, planned: true });
    this.replan(spec.name);
  }

  /** Stops planning `name` until resume(); the pause is kept in the state, so it survives a restart. */
  pause(name: string): void {
    this.deps.state.set(name, { ...this.deps.state.get(name), paused: true });
    this.replan(name);
  }

  /** Plans `name` again from now: slots that passed while it was paused are not caught up. */
  resume(name: string): void {
    const state = this.deps.state.get(name);
    const now = this.deps.clock.now();
    const { paused: _paused, ...rest } = state;
    this.deps.state.set(name, { ...rest, lastSlotAt: Math.max(state.lastSlotAt ?? now, now) });
    this.replan(name);
  }

  remove(name: string): void {
    this.jobs.delete(name);
    this.arm();
  }

  /** Looks at one job again now (its run ended, or its state changed). */
  replan(name: string): void {
    const job = this.jobs.get(name);
    if (job) this.planJob(job, this.deps.clock.now());
    this.arm();
  }

  nextAt(name: string): number | undefined {
    return this.jobs.get(name)?.nextAt;
  }

  start(): void {
    this.running = true;
    this.tick();
  }

  /** Stops starting runs; running ones are not touched. */
  stop(): void {
    this.running = false;
    this.paused = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = undefined;
  }

  private tick(): void {
    if (!this.running) return;
    this.timer = undefined;
    this.timerAt = undefined;
    const now = this.deps.clock.now();
    for (const job of this.jobs.values()) {
      if (!job.planned || (job.nextAt !== undefined && job.nextAt <= now)) this.planJob(job, now);
    }
    this.arm();
  }

  private planJob(job: ScheduledJob, now: number): void {
    if (this.paused) return;
    if (!job.spec.enabled || this.deps.state.get(job.spec.name).paused) {
      job.planned = true;
      job.nextAt = undefined;
      return;
    }
    const plan = planFirings(job.spec, this.deps.state.get(job.spec.name), now, {
      running: this.deps.isRunning(job.spec.name),
      startUp: !job.planned,
      ...(job.backlogUntil !== undefined ? { backlogUntil: job.backlogUntil } : {}),
      ...(job.backlogWhile !== undefined ? { backlogWhile: job.backlogWhile } : {}),
      ...(this.deps.random ? { random: this.deps.random } : {}),
    });
    job.planned = true;
    job.nextAt = plan.nextAt;
    job.backlogUntil = plan.backlogUntil;
    job.backlogWhile = plan.backlogWhile;
    const planned = { ...plan.state };
    if (plan.nextAt !== undefined) planned.nextDueAt = plan.nextAt;
    else delete planned.nextDueAt;
    this.deps.state.set(job.spec.name, planned);
    if (plan.skipped) this.deps.skipped(job.spec, plan.skipped);
    if (plan.fire) this.deps.fire(job.spec, plan.fire);
  }

  /** Keeps exactly one timer, armed for the earliest nextAt of all jobs. */
  private arm(): void {
    if (!this.running) return;
    let earliest: number | undefined;
    for (const job of this.jobs.values()) {
      if (!job.planned) {
        earliest = this.deps.clock.now();
        break;
      }
      if (job.nextAt !== undefined && (earliest === undefined || job.nextAt < earliest)) earliest = job.nextAt;
    }
    if (earliest === this.timerAt && this.timer) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = earliest;
    if (earliest !== undefined) this.timer = this.deps.clock.setTimer(earliest, () => this.tick());
  }
}
