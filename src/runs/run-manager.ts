// Turns firings into runs: records the run in the state before spawning, spawns it, and when it ends writes its
// status record, updates the state (retry or back to the schedule) and tells the scheduler. A job may have several
// runs at once (overlap = parallel); whether a firing may start is the dispatcher's decision, not this class's.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { ServiceEventBus } from '../events.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { isSuccess, type RunResult } from '../runner/run-result.ts';
import { readProcessStartTicks } from '../runner/process-identity.ts';
import { spawnJob, type RunningJob, type StopReason } from '../runner/spawn-job.ts';
import { describeFiring, type Firing } from '../scheduler/firing.ts';
import { nextSlot } from '../scheduler/next-slot.ts';
import { planAfterRun } from '../scheduler/plan-after-run.ts';
import { earliest } from '../scheduler/plan-firings.ts';
import { spawnOptionsFor } from './spawn-options-for.ts';
import type { InFlightRun, JobState } from '../state/job-state.ts';
import type { StateBook } from '../state/state-book.ts';
import { buildStatusRecord } from '../statuslog/status-record.ts';
import type { StatusLog } from '../statuslog/status-log.ts';

export interface RunManagerOptions {
  clock: Clock;
  state: StateBook;
  statusLog: StatusLog;
  logger: ServiceLogger;
  events: ServiceEventBus;
  host: string;
  bootId: string | undefined;
  /** Identifies this service's runs in /proc (PYCRON_SERVICE), so orphans can be found after a crash. */
  serviceId: string;
  retryDelayMs: number;
  killGraceMs: number;
  captureBytes: number;
  /** Called once a run's record and state are written, so the dispatcher and scheduler can act on the job again. */
  onRunEnded(job: string, ended: RunEnded): void;
  /** The job's current spec (it may have been edited while it ran); the spec the run started with otherwise. */
  lookupJob?(name: string): JobSpec | undefined;
  /** Starts the run elsewhere (a worker, for jobs with routing_key); undefined: spawned here. */
  launch?(job: JobSpec, firing: Firing, runId: string): RunningJob | undefined;
}

export interface StartedRun {
  runId: string;
  /** Resolves when the run's record and state are written; never rejects. */
  result: Promise<RunResult>;
}

export interface RunEnded {
  ok: boolean;
  /** Stopped on purpose to make room for a new run (overlap = replace). */
  replaced: boolean;
  result: RunResult;
}

interface ActiveRun {
  job: string;
  runId: string;
  firing: Firing;
  /** Undefined while the state is being flushed before the spawn, or for an adopted orphan. */
  process?: RunningJob;
  /** Resolves once the run's record and state are written. */
  done: Promise<void>;
  stop(reason: StopReason): Promise<void>;
}

export class RunManager {
  private options: RunManagerOptions;
  /** Runs in progress by run id. */
  private readonly active = new Map<string, ActiveRun>();

  constructor(options: RunManagerOptions) {
    this.options = options;
  }

  /** Applies reloaded settings (SIGHUP) to the runs started from now on. */
  configure(settings: Pick<RunManagerOptions, 'retryDelayMs' | 'killGraceMs' | 'captureBytes'>): void {
    this.options = { ...this.options, ...settings };
  }

  isRunning(job: string): boolean {
    return this.runsOf(job).length > 0;
  }

  /** How many runs of `job` are in progress. */
  runningCount(job: string): number {
    return this.runsOf(job).length;
  }

  runningJobs(): string[] {
    return [...new Set([...this.active.values()].map((run) => run.job))];
  }

  /** Stops every run of `job` (overlap = replace); resolves once their records and state are written. */
  async stopJob(job: string, reason: StopReason): Promise<void> {
    const runs = this.runsOf(job);
    await Promise.all(runs.map((run) => run.stop(reason)));
    await Promise.all(runs.map((run) => run.done));
  }

  private runsOf(job: string): ActiveRun[] {
    return [...this.active.values()].filter((run) => run.job === job);
  }

  /** Starts a run of `job` for `firing` (the dispatcher decided it may start); its id at once, its result later. */
  start(job: JobSpec, firing: Firing): StartedRun {
    const { clock, state } = this.options;
    const runId = firing.claim?.runId ?? randomUUID();
    const startedAt = clock.now();
    const inFlight: InFlightRun = {
      runId,
      scheduledAt: firing.scheduledAt,
      reason: firing.reason,
      attempt: firing.attempt,
      startedAt,
      file: job.file,
      ...(this.options.bootId ? { bootId: this.options.bootId } : {}),
    };
    const before = state.get(job.name);
    // max_attempts counts the runs of one slot or trigger: a retry adds one, anything else starts at 1.
    const slotAttempts = firing.reason === 'retry' ? (before.slotAttempts ?? 1) + 1 : 1;
    state.set(job.name, { ...before, slotAttempts, inFlight: [...(before.inFlight ?? []), inFlight] });
    let resolveResult!: (result: RunResult) => void;
    const resultPromise = new Promise<RunResult>((resolve) => (resolveResult = resolve));
    let stopRequested: StopReason | undefined;
    const run: ActiveRun = {
      job: job.name,
      runId,
      firing,
      done: resultPromise.then(() => undefined),
      stop: async (reason) => {
        stopRequested ??= reason;
        await run.process?.stop(reason);
      },
    };
    this.active.set(runId, run);

    void (async () => {
      // NOTE: the run id must be on disk before the process exists, so a crash right after the spawn is recoverable.
      await state
        .flush()
        .catch((error: unknown) =>
          this.options.logger.error(`state not saved before run of ${job.name}: ${String(error)}`),
        );
      const child =
        this.options.launch?.(job, firing, runId) ??
        spawnJob(
          spawnOptionsFor(job, firing, runId, {
            killGraceMs: this.options.killGraceMs,
            captureBytes: this.options.captureBytes,
            serviceId: this.options.serviceId,
            now: () => clock.now(),
          }),
        );
      run.process = child;
      if (stopRequested) void child.stop(stopRequested);
      if (child.pid !== null) this.recordPid(job.name, runId, child.pid);
      this.options.events.emit('run:started', { firing, runId, pid: child.pid });
      const level = job.options.logStart ? 'info' : 'debug';
      this.options.logger[level](`run started: ${job.options.title}`, {
        run_id: runId,
        pid: child.pid,
        reason: describeFiring(firing),
        ...(firing.args.length > 0 ? { args: firing.args } : {}),
      });
      const result = await child.result;
      this.finish(job, firing, result, { replaced: stopRequested === 'replace' });
      resolveResult(result);
    })().catch((error: unknown) => {
      this.options.logger.error(`run of ${job.name} failed inside pycron: ${String(error)}`);
      const now = clock.now();
      const result = failedResult(job.name, runId, startedAt, now, `pycron could not run the job: ${String(error)}`);
      this.finish(job, firing, result);
      resolveResult(result);
    });
    return { runId, result: resultPromise };
  }

  private recordPid(job: string, runId: string, pid: number): void {
    const { state } = this.options;
    const ticks = readProcessStartTicks(pid);
    const current = state.get(job);
    const inFlight = (current.inFlight ?? []).map((run) =>
      run.runId === runId ? { ...run, pid, ...(ticks !== undefined ? { pidStartTicks: ticks } : {}) } : run,
    );
    state.set(job, { ...current, inFlight });
  }

  /**
   * Records the end of a run: status record, state, events. Also used for runs found in flight after a crash.
   * Never throws: a failing status log or listener must not leave the job marked as running.
   */
  finish(startedJob: JobSpec, firing: Firing, result: RunResult, how: { replaced?: boolean } = {}): void {
    const { state, clock } = this.options;
    const job = this.options.lookupJob?.(startedJob.name) ?? startedJob;
    const ok = isSuccess(result);
    const replaced = how.replaced === true;
    try {
      const before = state.get(job.name);
      const after: JobState = planAfterRun(
        job,
        before,
        { runId: result.runId, ok, startedAt: result.startedAt, endedAt: result.endedAt, replaced, args: firing.args },
        { retryDelayMs: this.options.retryDelayMs },
      );
      after.lastRun = {
        runId: result.runId,
        scheduledAt: firing.scheduledAt,
        startedAt: result.startedAt,
        endedAt: result.endedAt,
        exitCode: result.exitCode,
        ok,
      };
      state.set(job.name, after);
      const nextRun = earliest(
        earliest(nextSlot(job, after.lastSlotAt ?? clock.now()), after.retryAt),
        after.periodDueAt,
      );
      const record = buildStatusRecord({
        job: { name: job.name, file: job.file },
        result,
        scheduledAt: firing.scheduledAt,
        reasonForRun: describeFiring(firing) + (replaced ? ' (stopped: replaced by a new run, overlap = replace)' : ''),
        args: firing.args,
        failedAttempts: after.failures,
        nextRun: job.enabled ? nextRun : undefined,
        host: this.options.host,
      });
      this.options.statusLog.write(record);
      // NOTE: the record is on disk now; the state that says the run is over follows at once, not after the
      // coalescing delay, so a crash in between is rare (and recovery finds the record, see recover-in-flight).
      state.flush().catch(() => {});
      const level = ok || replaced ? (job.options.logStart ? 'info' : 'debug') : 'warn';
      const gaveUp = !ok && !replaced && after.retryAt === undefined && job.options.maxAttempts !== undefined;
      this.options.logger[level](`run ended: ${job.options.title} ${describeOutcome(result)}`, {
        run_id: result.runId,
        duration_ms: result.durationMs,
        ...(after.retryAt !== undefined ? { retry_at: new Date(after.retryAt).toISOString() } : {}),
        ...(gaveUp ? { retries: `none left (max_attempts = ${job.options.maxAttempts})` } : {}),
      });
      if (job.options.logOutput) this.logOutput(job, result);
      this.active.delete(result.runId);
      this.options.events.emit('run:finished', { firing, result, record });
    } catch (error) {
      this.options.logger.error(`could not record the end of run ${result.runId} of ${job.name}: ${String(error)}`);
    } finally {
      this.active.delete(result.runId);
      this.options.onRunEnded(job.name, { ok, replaced, result });
    }
  }

  /** kopf's log_output: the run's captured output in the service log, line by line. */
  private logOutput(job: JobSpec, result: RunResult): void {
    const lines = (stream: string, text: string): void => {
      for (const line of text.split('\n')) {
        if (line !== '') this.options.logger.info(`${job.options.title} ${stream}: ${line}`, { run_id: result.runId });
      }
    };
    lines('stdout', result.stdout);
    lines('stderr', result.stderr);
  }

  /** Marks a job as running a process this service did not start (an orphan of a crashed service). */
  adopt(job: string, runId: string, firing: Firing, done: Promise<void>, stop: () => Promise<void>): void {
    const run: ActiveRun = { job, runId, firing, done, stop: async () => stop() };
    this.active.set(runId, run);
    void done.finally(() => {
      if (this.active.get(runId) === run) this.active.delete(runId);
    });
  }

  /** Waits up to `graceMs` for running jobs to end, then stops the rest; resolves when every record is written. */
  async stopAll(graceMs: number): Promise<void> {
    const runs = [...this.active.values()];
    if (runs.length === 0) return;
    const all = Promise.all(runs.map((run) => run.done));
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace-over'>(
      (resolve) => (graceTimer = setTimeout(() => resolve('grace-over'), graceMs)),
    );
    const outcome = await Promise.race([all.then(() => 'done' as const), graceOver]);
    clearTimeout(graceTimer);
    if (outcome === 'grace-over') {
      this.options.logger.warn(`shutdown grace of ${graceMs} ms is over: stopping ${runs.length} running job(s)`);
      await Promise.all([...this.active.values()].map((run) => run.stop('shutdown')));
      await all;
    }
  }
}

function describeOutcome(result: RunResult): string {
  if (result.error) return `could not run: ${result.error}`;
  if (result.timedOut) return `timed out${result.forcefullyTerminated ? ' (killed)' : ''}`;
  if (result.signal) return `killed by ${result.signal}`;
  return `exit code ${result.exitCode}`;
}

export function failedResult(
  job: string,
  runId: string,
  startedAt: number,
  endedAt: number,
  error: string,
  pid: number | null = null,
): RunResult {
  return {
    runId,
    job,
    exitCode: null,
    signal: null,
    timedOut: false,
    forcefullyTerminated: false,
    error,
    pid,
    startedAt,
    endedAt,
    durationMs: Math.max(0, endedAt - startedAt),
    stdout: '',
    stderr: '',
    outputTruncated: false,
    errorTruncated: false,
  };
}
