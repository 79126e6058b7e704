// Every request to run a job goes through here: schedule slots, retries, period timers, triggers and chained jobs.
// The job's overlap policy decides what a request does while the job runs; kopf's `idle` gathers a burst of
// triggers into one run; the arguments of collapsed triggers all go to that run; a run's end starts what waits and
// the jobs it chains to.
import type { Clock, Timer } from '../clock.ts';
import type { ServiceEventBus } from '../events.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import type { RunEnded, StartedRun } from '../runs/run-manager.ts';
import type { StopReason } from '../runner/spawn-job.ts';
import type { Firing } from '../scheduler/firing.ts';
import { decideOverlap } from './decide-overlap.ts';
import type { TriggerOutcome } from './trigger-outcome.ts';

export interface DispatcherDeps {
  clock: Clock;
  logger: ServiceLogger;
  events: ServiceEventBus;
  runs: {
    start(job: JobSpec, firing: Firing): StartedRun;
    runningCount(job: string): number;
    stopJob(job: string, reason: StopReason): Promise<void>;
  };
  /** The job's current spec; undefined when there is no such job (removed, or never was). */
  lookupJob(name: string): JobSpec | undefined;
  /** Paused jobs take only runs asked for by hand. */
  isPaused?(name: string): boolean;
}

interface WaitingRun {
  firing: Firing;
  /** Not before this instant (kopf's idle); 0 = as soon as the job is free. */
  notBefore: number;
}

const TRIGGER_REASONS: ReadonlySet<Firing['reason']> = new Set(['trigger', 'chain']);

export class Dispatcher {
  private readonly deps: DispatcherDeps;
  /** Runs waiting to start, per job, oldest first. */
  private readonly waiting = new Map<string, WaitingRun[]>();
  private readonly timers = new Map<string, Timer>();
  private stopped = false;

  constructor(deps: DispatcherDeps) {
    this.deps = deps;
  }

  /** A trigger from outside (control socket, HTTP...): runs `name` now, through its policy. */
  trigger(
    job: JobSpec,
    args: readonly string[],
    source: string,
    reason: 'trigger' | 'manual' = 'trigger',
  ): TriggerOutcome {
    const firing: Firing = {
      job: job.name,
      scheduledAt: this.deps.clock.now(),
      reason,
      attempt: 1,
      collapsedSlots: 0,
      args: [...args],
      source,
    };
    return this.submit(job, firing);
  }

  /** Runs `firing` now, later, or not at all, as the job's overlap policy and idle say. Never throws. */
  submit(job: JobSpec, firing: Firing): TriggerOutcome {
    const refuse = (reason: string): TriggerOutcome => this.refused(job, firing, reason);
    if (this.stopped) return refuse('pycron is stopping');
    if (!job.enabled) return refuse('the job is disabled');
    if (firing.reason !== 'manual' && this.deps.isPaused?.(job.name)) return refuse('the job is paused');
    if (job.options.type === 'proc') return refuse('it is a proc: it runs all the time and restarts by itself');

    const isTrigger = TRIGGER_REASONS.has(firing.reason);
    const queue = this.waiting.get(job.name) ?? [];
    const running = this.deps.runs.runningCount(job.name);
    const decision = decideOverlap({
      policy: job.options.overlap,
      running,
      pending: queue.length,
      isTrigger,
      queueMax: job.options.queueMax,
      maxParallel: job.options.maxParallel,
    });
    const now = this.deps.clock.now();
    switch (decision.action) {
      case 'refuse':
        return refuse(decision.reason);
      case 'collapse': {
        const last = queue[queue.length - 1] as WaitingRun;
        last.firing = {
          ...last.firing,
          args: [...last.firing.args, ...firing.args],
          collapsedTriggers: (last.firing.collapsedTriggers ?? 0) + 1,
        };
        return { kind: 'collapsed', message: `${job.name}: joined the run that is waiting to start` };
      }
      case 'start':
        if (isTrigger && job.options.idleMs > 0) {
          this.enqueue(job.name, { firing, notBefore: now + job.options.idleMs });
          return {
            kind: 'queued',
            message: `${job.name}: starts in ${job.options.idleMs} ms (idle), gathering triggers`,
          };
        }
        return this.start(job, firing);
      case 'wait':
        this.enqueue(job.name, { firing, notBefore: 0 });
        return {
          kind: 'queued',
          message: `${job.name}: runs when the current run ends (overlap = ${job.options.overlap})`,
        };
      case 'replace':
        this.enqueue(job.name, { firing, notBefore: 0 });
        this.deps.logger.info(`stopping the running copy of ${job.name}: a new run replaces it (overlap = replace)`);
        void this.deps.runs.stopJob(job.name, 'replace');
        return { kind: 'queued', message: `${job.name}: the running copy is being stopped; the new run starts then` };
    }
  }

  /** A run of `name` ended (its record is written): start what waits for it, and the jobs it triggers. */
  runEnded(name: string, ended: RunEnded): void {
    const job = this.deps.lookupJob(name);
    if (job) this.chain(job, ended);
    this.pump(name);
  }

  /** The job is gone: what waited for it is dropped. */
  forget(name: string): void {
    this.drop(name, 'dropped: the job was removed');
  }

  /** Forgets the runs waiting for `name` (and their timer); `what` ends the log line: 'dropped: why'. */
  private drop(name: string, what: string, level: 'info' | 'warn' = 'warn'): void {
    const dropped = this.waiting.get(name)?.length ?? 0;
    if (dropped > 0) this.deps.logger[level](`${dropped} waiting run(s) of ${name} ${what}`);
    this.waiting.delete(name);
    this.timers.get(name)?.cancel();
    this.timers.delete(name);
  }

  /** Runs waiting per job, for `pycron list` and the HTTP API. */
  waitingCount(name: string): number {
    return this.waiting.get(name)?.length ?? 0;
  }

  /** Nothing starts from now on; waiting runs are dropped (and logged). */
  stop(): void {
    this.stopped = true;
    for (const name of [...this.waiting.keys()]) this.drop(name, 'not started: pycron is stopping', 'info');
  }

  private start(job: JobSpec, firing: Firing): TriggerOutcome {
    const { runId } = this.deps.runs.start(job, firing);
    return { kind: 'started', message: `${job.name}: started`, runId };
  }

  private enqueue(name: string, run: WaitingRun): void {
    const queue = this.waiting.get(name) ?? [];
    queue.push(run);
    this.waiting.set(name, queue);
    this.pump(name);
  }

  /** Starts the oldest waiting run of `name` if the job is free and its idle time has passed; else arms a timer. */
  private pump(name: string): void {
    if (this.stopped) return;
    this.timers.get(name)?.cancel();
    this.timers.delete(name);
    const queue = this.waiting.get(name);
    const head = queue?.[0];
    if (!queue || !head) return;
    const job = this.deps.lookupJob(name);
    // The job may have been removed or disabled (job.ini, a `disabled` file) since the run was accepted.
    if (!job || !job.enabled) {
      this.drop(name, job ? 'dropped: the job was disabled' : 'dropped: the job was removed');
      return;
    }
    const running = this.deps.runs.runningCount(name);
    const free = running === 0 || (job.options.overlap === 'parallel' && running < job.options.maxParallel);
    if (!free) return;
    const now = this.deps.clock.now();
    // kopf: triggers that came during a run start the next one no sooner than idle after that run's end.
    if (TRIGGER_REASONS.has(head.firing.reason) && job.options.idleMs > 0 && head.notBefore === 0) {
      head.notBefore = now + job.options.idleMs;
    }
    if (head.notBefore > now) {
      this.timers.set(
        name,
        this.deps.clock.setTimer(head.notBefore, () => this.pump(name)),
      );
      return;
    }
    queue.shift();
    if (queue.length === 0) this.waiting.delete(name);
    this.start(job, head.firing);
  }

  /** kopf's `trigger`: when this run ends, start the jobs it names, with their arguments. */
  private chain(job: JobSpec, ended: RunEnded): void {
    if (ended.replaced || job.options.triggers.length === 0) return;
    const on = job.options.triggerOn;
    if (on === 'success' && !ended.ok) return;
    if (on === 'failure' && ended.ok) return;
    const outcome = ended.ok ? 'success' : 'failure';
    for (const target of job.options.triggers) {
      const next = this.deps.lookupJob(target.job);
      if (!next) {
        this.deps.logger.warn(`${job.name} triggers ${target.job}, but there is no such job`);
        continue;
      }
      const firing: Firing = {
        job: next.name,
        scheduledAt: this.deps.clock.now(),
        reason: 'chain',
        attempt: 1,
        collapsedSlots: 0,
        args: [...target.args],
        source: `job ${job.name} (on ${outcome})`,
      };
      this.submit(next, firing);
    }
  }

  private refused(job: JobSpec, firing: Firing, reason: string): TriggerOutcome {
    if (TRIGGER_REASONS.has(firing.reason)) {
      this.deps.logger.info(`trigger of ${job.name} from ${firing.source ?? 'somewhere'} refused: ${reason}`);
    } else {
      this.deps.logger.warn(
        `${firing.reason} run of ${job.name} for ${new Date(firing.scheduledAt).toISOString()} skipped: ${reason}`,
      );
    }
    this.deps.events.emit('firing:skipped', { job: job.name, slot: firing.scheduledAt, reason });
    return { kind: 'refused', message: `${job.name}: refused: ${reason}` };
  }
}
