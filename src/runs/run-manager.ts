// Turns firings into runs: records the run in the state before spawning, spawns it, and when it ends writes its
// status record, updates the state (retry or back to the schedule) and tells the scheduler.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { ServiceEventBus } from '../events.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { isSuccess, type RunResult } from '../runner/run-result.ts';
import { readProcessStartTicks } from '../runner/process-identity.ts';
import { spawnJob, type RunningJob } from '../runner/spawn-job.ts';
import { describeFiring, type Firing } from '../scheduler/firing.ts';
import { nextSlot } from '../scheduler/next-slot.ts';
import { planAfterRun } from '../scheduler/plan-firings.ts';
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
  /** Called once a run's record and state are written, so the scheduler can plan the job again. */
  onRunEnded(job: string): void;
  /** The job's current spec (it may have been edited while it ran); the spec the run started with otherwise. */
  lookupJob?(name: string): JobSpec | undefined;
}

interface ActiveRun {
  runId: string;
  firing: Firing;
  /** Undefined while the state is being flushed before the spawn, or for an adopted orphan. */
  process?: RunningJob;
  done: Promise<void>;
  stop(reason: 'shutdown'): Promise<void>;
}

export class RunManager {
  private options: RunManagerOptions;
  private readonly active = new Map<string, ActiveRun>();

  constructor(options: RunManagerOptions) {
    this.options = options;
  }

  /** Applies reloaded settings (SIGHUP) to the runs started from now on. */
  configure(settings: Pick<RunManagerOptions, 'retryDelayMs' | 'killGraceMs' | 'captureBytes'>): void {
    this.options = { ...this.options, ...settings };
  }

  isRunning(job: string): boolean {
    return this.active.has(job);
  }

  runningJobs(): string[] {
    return [...this.active.keys()];
  }

  /** Starts a run of `job` for `firing`. The caller made sure the job is not running. */
  start(job: JobSpec, firing: Firing): Promise<RunResult> {
    const { clock, state } = this.options;
    const runId = randomUUID();
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
    state.set(job.name, { ...state.get(job.name), inFlight });
    let resolveResult!: (result: RunResult) => void;
    const resultPromise = new Promise<RunResult>((resolve) => (resolveResult = resolve));
    const run: ActiveRun = {
      runId,
      firing,
      done: resultPromise.then(() => undefined),
      stop: async (reason) => {
        stopRequested = reason;
        await run.process?.stop(reason);
      },
    };
    let stopRequested: 'shutdown' | undefined;
    this.active.set(job.name, run);

    void (async () => {
      // NOTE: the run id must be on disk before the process exists, so a crash right after the spawn is recoverable.
      await state
        .flush()
        .catch((error: unknown) =>
          this.options.logger.error(`state not saved before run of ${job.name}: ${String(error)}`),
        );
      const child = spawnJob({
        runId,
        job: job.name,
        command: job.command,
        cwd: job.folder,
        env: {
          PYCRON_JOB: job.name,
          PYCRON_RUN_ID: runId,
          PYCRON_SCHEDULED_AT: new Date(firing.scheduledAt).toISOString(),
          PYCRON_ATTEMPT: String(firing.attempt),
          PYCRON_SERVICE: this.options.serviceId,
        },
        timeoutMs: job.timeoutMs,
        killGraceMs: this.options.killGraceMs,
        captureBytes: this.options.captureBytes,
        now: () => clock.now(),
      });
      run.process = child;
      if (stopRequested) void child.stop(stopRequested);
      if (child.pid !== null) {
        const ticks = readProcessStartTicks(child.pid);
        const current = state.get(job.name);
        if (current.inFlight?.runId === runId) {
          state.set(job.name, {
            ...current,
            inFlight: { ...current.inFlight, pid: child.pid, ...(ticks !== undefined ? { pidStartTicks: ticks } : {}) },
          });
        }
      }
      this.options.events.emit('run:started', { firing, runId, pid: child.pid });
      this.options.logger.info(`run started: ${job.name}`, {
        run_id: runId,
        pid: child.pid,
        reason: describeFiring(firing),
      });
      const result = await child.result;
      this.finish(job, firing, result);
      resolveResult(result);
    })().catch((error: unknown) => {
      this.options.logger.error(`run of ${job.name} failed inside pycron: ${String(error)}`);
      const now = clock.now();
      const result = failedResult(job.name, runId, startedAt, now, `pycron could not run the job: ${String(error)}`);
      this.finish(job, firing, result);
      resolveResult(result);
    });
    return resultPromise;
  }

  /**
   * Records the end of a run: status record, state, events. Also used for runs found in flight after a crash.
   * Never throws: a failing status log or listener must not leave the job marked as running.
   */
  finish(startedJob: JobSpec, firing: Firing, result: RunResult): void {
    const { state, clock } = this.options;
    const job = this.options.lookupJob?.(startedJob.name) ?? startedJob;
    try {
      const ok = isSuccess(result);
      const after: JobState = planAfterRun(
        job,
        state.get(job.name),
        { ok, endedAt: result.endedAt },
        this.options.retryDelayMs,
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
      const regular = nextSlot(job, after.lastSlotAt ?? clock.now());
      const nextRun =
        after.retryAt !== undefined && (regular === undefined || after.retryAt < regular) ? after.retryAt : regular;
      const record = buildStatusRecord({
        job: { name: job.name, file: job.file },
        result,
        scheduledAt: firing.scheduledAt,
        reasonForRun: describeFiring(firing),
        failedAttempts: after.failures,
        nextRun: job.enabled ? nextRun : undefined,
        host: this.options.host,
      });
      this.options.statusLog.write(record);
      // NOTE: the record is on disk now; the state that says the run is over follows at once, not after the
      // coalescing delay, so a crash in between is rare (and recovery finds the record, see recover-in-flight).
      state.flush().catch(() => {});
      const level = ok ? 'info' : 'warn';
      this.options.logger[level](`run ended: ${job.name} ${describeOutcome(result)}`, {
        run_id: result.runId,
        duration_ms: result.durationMs,
        ...(after.retryAt !== undefined ? { retry_at: new Date(after.retryAt).toISOString() } : {}),
      });
      this.active.delete(job.name);
      this.options.events.emit('run:finished', { firing, result, record });
    } catch (error) {
      this.options.logger.error(`could not record the end of run ${result.runId} of ${job.name}: ${String(error)}`);
    } finally {
      this.active.delete(job.name);
      this.options.onRunEnded(job.name);
    }
  }

  /** Marks a job as running a process this service did not start (an orphan of a crashed service). */
  adopt(job: string, runId: string, firing: Firing, done: Promise<void>, stop: () => Promise<void>): void {
    const run: ActiveRun = { runId, firing, done, stop: async () => stop() };
    this.active.set(job, run);
    void done.finally(() => {
      if (this.active.get(job) === run) this.active.delete(job);
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
