// Keeps the procs (type = proc) running: starts each with the service, restarts it after it exits (idle, with a
// backoff when it crash-loops), restarts it or sends it SIGHUP when a watched file changes, and stops every group
// with the service. Each exit writes one status record. Nothing here throws out of a callback, and one proc's
// trouble never reaches another.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { ServiceEventBus } from '../events.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import type { RunResult } from '../runner/run-result.ts';
import { isSuccess } from '../runner/run-result.ts';
import { spawnJob, type RunningJob, type SpawnJobOptions } from '../runner/spawn-job.ts';
import { failedResult } from '../runs/run-manager.ts';
import { spawnOptionsFor } from '../runs/spawn-options-for.ts';
import type { Firing } from '../scheduler/firing.ts';
import type { StatusLog } from '../statuslog/status-log.ts';
import { buildStatusRecord } from '../statuslog/status-record.ts';
import { describeProcEnd, formatDelay, restartReasonAfter } from './describe-proc-exit.ts';
import { PROC_ENV_MARK } from './find-proc-orphans.ts';
import { planProcRestart } from './plan-proc-restart.ts';
import { newEntry, statusOf, type ProcEntry, type ProcRun, type StopIntent } from './proc-entry.ts';
import type { ProcStatus } from './proc-status.ts';
import { stopProcOrphans } from './stop-proc-orphans.ts';
import { watchFileChanges } from './watch-file-changes.ts';

export interface ProcSupervisorOptions {
  clock: Clock;
  logger: ServiceLogger;
  /** run:started / run:finished are emitted with a firing whose reason is 'proc'. */
  events?: ServiceEventBus;
  /** Where each exit's record goes (the status log). */
  statusLog: Pick<StatusLog, 'write'>;
  host: string;
  /** PYCRON_SERVICE of the procs, so a restarted service finds the ones a crashed one left. */
  serviceId: string;
  /** The service's KILL_GRACE_SECONDS, unless the proc sets kill_grace. */
  killGraceMs: number;
  captureBytes: number;
  /** Exits sooner than this after the start count as crashes (default 10 s; idle when idle is longer). */
  crashWindowMs?: number;
  /** Cap of the crash-loop backoff (default 5 min; idle when idle is longer). */
  maxRestartDelayMs?: number;
  /** Debounce of restart_on_change / hup_on_change events (default 100 ms). */
  fileDebounceMs?: number;
  /** Seams for tests: how a proc is spawned, and how orphans of a previous service are found. */
  spawn?: (options: SpawnJobOptions) => RunningJob;
  findOrphans?: (serviceId: string, name: string, exclude: ReadonlySet<number>) => number[];
}

export class ProcSupervisor {
  private options: ProcSupervisorOptions;
  private readonly entries = new Map<string, ProcEntry>();
  /** Procs being removed, until their group is gone: a proc of the same name added meanwhile waits for it. */
  private readonly leaving = new Map<string, Promise<void>>();
  private closed = false;

  constructor(options: ProcSupervisorOptions) {
    this.options = options;
  }

  /** Applies reloaded settings (SIGHUP) to the procs started from now on. */
  configure(settings: Pick<ProcSupervisorOptions, 'killGraceMs' | 'captureBytes'>): void {
    this.options = { ...this.options, ...settings };
  }

  /**
   * Starts a new proc, restarts one whose fingerprint changed, and stops one that is no longer a proc or is
   * disabled. `atStartUp` only words the first run's reason_for_run.
   */
  upsert(spec: JobSpec, opts: { atStartUp?: boolean } = {}): void {
    if (this.closed) return;
    if (spec.options.type !== 'proc' || !spec.enabled) {
      if (this.entries.has(spec.name)) void this.remove(spec.name);
      return;
    }
    const existing = this.entries.get(spec.name);
    if (!existing) {
      const entry = newEntry(spec, this.leaving.get(spec.name));
      this.entries.set(spec.name, entry);
      this.rewatch(entry);
      const reason = opts.atStartUp ? 'proc started with the service' : 'proc started: job added';
      this.enqueue(entry, () => this.launch(entry, reason));
      return;
    }
    const changed = existing.spec.fingerprint !== spec.fingerprint;
    existing.spec = spec;
    if (!changed) return;
    this.rewatch(existing);
    this.restart(existing, 'proc restarted: job changed');
  }

  /** Stops the proc's group and forgets it; resolves when the group is gone and its record written. */
  remove(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return this.leaving.get(name) ?? Promise.resolve();
    this.entries.delete(name);
    this.retire(entry);
    const done = this.enqueue(entry, () => this.stopRun(entry, { kind: 'remove' }));
    this.leaving.set(name, done);
    void done.then(() => {
      if (this.leaving.get(name) === done) this.leaving.delete(name);
    });
    return done;
  }

  /**
   * Stops every proc: SIGTERM to each group, SIGKILL after its kill grace; a start in progress is waited for and
   * then stopped. Resolves when every group is gone and every record written. Nothing starts afterwards.
   */
  async stopAll(): Promise<void> {
    this.closed = true;
    const stops = [...this.entries.values()].map((entry) => {
      this.retire(entry);
      return this.enqueue(entry, () => this.stopRun(entry, { kind: 'shutdown' }));
    });
    await Promise.all([...stops, ...this.leaving.values()]);
  }

  status(name: string): ProcStatus | undefined {
    const entry = this.entries.get(name);
    return entry && statusOf(entry);
  }

  list(): ProcStatus[] {
    return [...this.entries.values()].map(statusOf).sort((a, b) => a.name.localeCompare(b.name));
  }

  private enqueue(entry: ProcEntry, op: () => Promise<void>): Promise<void> {
    entry.queue = entry.queue.then(op).catch((error: unknown) => {
      this.options.logger.error(`proc ${entry.spec.name}: supervisor failure: ${String(error)}`);
    });
    return entry.queue;
  }

  private retire(entry: ProcEntry): void {
    entry.retired = true;
    entry.watch?.close();
    entry.watch = undefined;
    this.cancelTimer(entry);
  }

  private cancelTimer(entry: ProcEntry): void {
    entry.timer?.cancel();
    entry.timer = undefined;
    entry.nextStartAt = undefined;
  }

  /** Stops the running copy (if any) and starts a new one at once; a pending delayed start is cancelled. */
  private restart(entry: ProcEntry, reason: string): void {
    if (entry.retired || entry.restartQueued) return;
    entry.restartQueued = true;
    entry.crashes = 0; // something changed: the next start is not part of the old crash loop
    this.cancelTimer(entry);
    this.enqueue(entry, async () => {
      entry.restartQueued = false;
      if (entry.retired) return;
      const run = entry.run;
      if (run) {
        run.stopIntent ??= { kind: 'restart', reason };
        entry.state = 'stopping';
        await run.child.stop('replace');
        await run.ended;
      }
      if (entry.retired) return;
      await this.launch(entry, reason);
    });
  }

  private async stopRun(entry: ProcEntry, intent: StopIntent): Promise<void> {
    const run = entry.run;
    if (run) {
      run.stopIntent ??= intent;
      entry.state = 'stopping';
      await run.child.stop('shutdown');
      await run.ended;
    }
    entry.state = 'stopped';
  }

  /** Runs inside the entry's queue. */
  private async launch(entry: ProcEntry, reason: string): Promise<void> {
    if (entry.retired || entry.run) return;
    this.cancelTimer(entry);
    entry.state = 'starting';
    const { clock, logger } = this.options;
    const dueAt = clock.now();
    if (!entry.orphansChecked) {
      entry.orphansChecked = true;
      const ours = new Set<number>();
      for (const other of this.entries.values()) if (other.run?.child.pid) ours.add(other.run.child.pid);
      await stopProcOrphans({
        name: entry.spec.name,
        serviceId: this.options.serviceId,
        exclude: ours,
        graceMs: entry.spec.options.killGraceMs ?? this.options.killGraceMs,
        logger,
        find: this.options.findOrphans,
      });
      if (entry.retired) {
        entry.state = 'stopped';
        return;
      }
    }
    const spec = entry.spec;
    const runId = randomUUID();
    const firing: Firing = {
      job: spec.name,
      scheduledAt: dueAt,
      reason: 'proc',
      attempt: entry.failures + 1,
      collapsedSlots: 0,
      args: [],
      source: reason,
    };
    const child = this.spawnProc(spec, firing, runId);
    entry.starts++;
    const run: ProcRun = {
      runId,
      firing,
      startedAt: clock.now(),
      child,
      stopIntent: undefined,
      ended: Promise.resolve(),
    };
    entry.run = run;
    entry.state = 'running';
    run.ended = child.result.then(
      (result) => this.onExit(entry, run, result),
      (error: unknown) => {
        const now = clock.now();
        this.onExit(entry, run, failedResult(spec.name, runId, dueAt, now, `pycron lost the proc: ${String(error)}`));
      },
    );
    const level = spec.options.logStart ? 'info' : 'debug';
    logger[level](`proc started: ${spec.name}`, { run_id: runId, pid: child.pid, reason });
    this.options.events?.emit('run:started', { firing, runId, pid: child.pid });
  }

  private spawnProc(spec: JobSpec, firing: Firing, runId: string): RunningJob {
    const { clock } = this.options;
    try {
      const base = spawnOptionsFor(spec, firing, runId, {
        killGraceMs: this.options.killGraceMs,
        captureBytes: this.options.captureBytes,
        serviceId: this.options.serviceId,
        now: () => clock.now(),
      });
      // Procs run until stopped: no timeout. PYCRON_PROC marks them for the orphan search after a crash.
      const options: SpawnJobOptions = { ...base, timeoutMs: undefined, env: { ...base.env, [PROC_ENV_MARK]: '1' } };
      return (this.options.spawn ?? spawnJob)(options);
    } catch (error) {
      const now = clock.now();
      const result = failedResult(spec.name, runId, now, now, `pycron could not start the proc: ${String(error)}`);
      return { pid: null, result: Promise.resolve(result), stop: async () => {}, signal: () => false };
    }
  }

  /** Records the exit and, for an exit pycron did not ask for, arms the restart. Never throws. */
  private onExit(entry: ProcEntry, run: ProcRun, result: RunResult): void {
    const { clock, logger } = this.options;
    const name = entry.spec.name;
    try {
      if (entry.run === run) entry.run = undefined;
      const intent = run.stopIntent;
      const unplanned = intent === undefined;
      if (unplanned) entry.failures = isSuccess(result) ? 0 : entry.failures + 1;
      let restartAt: number | undefined;
      let delayMs = 0;
      if (intent?.kind === 'restart') restartAt = clock.now();
      else if (unplanned && !entry.retired) {
        const plan = planProcRestart({
          idleMs: entry.spec.options.idleMs,
          startedAt: result.startedAt,
          endedAt: result.endedAt,
          crashes: entry.crashes,
          ...(this.options.crashWindowMs !== undefined ? { crashWindowMs: this.options.crashWindowMs } : {}),
          ...(this.options.maxRestartDelayMs !== undefined ? { maxDelayMs: this.options.maxRestartDelayMs } : {}),
        });
        entry.crashes = plan.crashes;
        delayMs = plan.delayMs;
        restartAt = clock.now() + delayMs;
      }
      entry.lastExit = {
        runId: run.runId,
        exitCode: result.exitCode,
        signal: result.signal,
        error: result.error,
        endedAt: result.endedAt,
      };
      this.record(entry, run, result, unplanned ? entry.failures : 0, restartAt);
      if (unplanned && restartAt !== undefined) {
        this.armRestart(entry, restartAt, restartReasonAfter(result));
        const backoff = entry.crashes >= 2 ? ` (crash ${entry.crashes} in a row: backing off)` : '';
        logger.warn(`${describeProcEnd(name, result)}; restarting in ${formatDelay(delayMs)}${backoff}`, {
          run_id: run.runId,
          duration_ms: result.durationMs,
        });
      } else if (unplanned) {
        entry.state = 'stopped';
        logger.warn(`${describeProcEnd(name, result)}; not restarted: it is being stopped`, {
          run_id: run.runId,
          duration_ms: result.durationMs,
        });
      } else {
        if (intent.kind !== 'restart') entry.state = 'stopped';
        const why = intent.kind === 'restart' ? intent.reason : intent.kind === 'remove' ? 'removed' : 'shutdown';
        const level = entry.spec.options.logStart ? 'info' : 'debug';
        logger[level](`proc stopped: ${name} (${why})`, {
          run_id: run.runId,
          duration_ms: result.durationMs,
          ...(result.forcefullyTerminated ? { killed: true } : {}),
        });
      }
    } catch (error) {
      logger.error(`proc ${name}: could not record the end of run ${run.runId}: ${String(error)}`);
    }
  }

  private record(
    entry: ProcEntry,
    run: ProcRun,
    result: RunResult,
    failedAttempts: number,
    restartAt: number | undefined,
  ): void {
    const { logger } = this.options;
    const spec = entry.spec;
    const record = buildStatusRecord({
      job: { name: spec.name, file: spec.file },
      result,
      scheduledAt: run.firing.scheduledAt,
      reasonForRun: run.firing.source ?? 'proc started',
      failedAttempts,
      nextRun: restartAt,
      host: this.options.host,
    });
    try {
      this.options.statusLog.write(record);
    } catch (error) {
      logger.error(`proc ${spec.name}: status record of run ${run.runId} not written: ${String(error)}`);
    }
    if (spec.options.logOutput && (result.stdout !== '' || result.stderr !== '')) {
      logger.info(`output of proc ${spec.name}`, { run_id: run.runId, stdout: result.stdout, stderr: result.stderr });
    }
    this.options.events?.emit('run:finished', { firing: run.firing, result, record });
  }

  private armRestart(entry: ProcEntry, atMs: number, reason: string): void {
    this.cancelTimer(entry);
    entry.state = 'waiting';
    entry.nextStartAt = atMs;
    entry.timer = this.options.clock.setTimer(atMs, () => {
      entry.timer = undefined;
      this.enqueue(entry, () => this.launch(entry, reason));
    });
  }

  /** (Re)creates the file watch when restart_on_change / hup_on_change changed. */
  private rewatch(entry: ProcEntry): void {
    const { restartOnChange, hupOnChange } = entry.spec.options;
    const key = JSON.stringify([restartOnChange, hupOnChange]);
    if (key === entry.watchKey) return;
    entry.watchKey = key;
    entry.watch?.close();
    entry.watch = undefined;
    const files = [...restartOnChange, ...hupOnChange];
    if (files.length === 0 || entry.retired) return;
    entry.watch = watchFileChanges(files, {
      onChange: (file) => this.onFileChanged(entry, file),
      onError: (message) => this.options.logger.warn(`proc ${entry.spec.name}: ${message}`),
      ...(this.options.fileDebounceMs !== undefined ? { debounceMs: this.options.fileDebounceMs } : {}),
    });
  }

  private onFileChanged(entry: ProcEntry, file: string): void {
    if (entry.retired) return;
    const { logger } = this.options;
    const { name, options } = entry.spec;
    // NOTE: restart wins when a file is in both lists: a new process reads the file anyway.
    if (options.restartOnChange.includes(file)) {
      logger.info(`proc ${name}: ${file} changed: restarting it`);
      this.restart(entry, `proc restarted: ${file} changed`);
      return;
    }
    if (!options.hupOnChange.includes(file)) return;
    const run = entry.run;
    if (run && run.child.signal('SIGHUP')) {
      logger.info(`proc ${name}: ${file} changed: sent SIGHUP to pid ${run.child.pid}`, { run_id: run.runId });
    } else {
      logger.info(`proc ${name}: ${file} changed, but the proc is not running: no SIGHUP sent`);
    }
  }
}
