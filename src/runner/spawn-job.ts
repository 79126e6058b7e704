// Turns a firing into a process and, whatever happens (exit, signal, timeout, spawn failure), one RunResult.
// The run leads its own process group, so stopping it stops everything it started.
import { spawn, type ChildProcess } from 'node:child_process';
import type { JobCommand } from '../jobs/job-spec.ts';
import { BoundedCapture } from './capture.ts';
import { describeSpawnError } from './describe-spawn-error.ts';
import type { RunResult } from './run-result.ts';
import { terminateGroup } from './terminate-group.ts';

/**
 * How long to wait for stdout/stderr to close once the job's own process has exited. A background process it left
 * behind may hold the pipes open for hours; the run is over when the job exits, not when its leftovers do.
 */
export const PIPE_DRAIN_AFTER_EXIT_MS = 150;

export interface SpawnJobOptions {
  runId: string;
  job: string;
  command: JobCommand;
  /** Working directory of the run: the job's folder. */
  cwd: string;
  /** Added to the service's environment: PYCRON_JOB, PYCRON_RUN_ID, PYCRON_SCHEDULED_AT, PYCRON_ATTEMPT. */
  env: Record<string, string>;
  /** Stop the run's group after this long; undefined = never. */
  timeoutMs: number | undefined;
  /** Time between SIGTERM and SIGKILL when stopping the run. */
  killGraceMs: number;
  /**
   * Extra arguments (triggers, kopf's [cron] entries): after the script's path, or as "$@" of a `command =` (whose $0
   * is the job's name).
   */
  args?: readonly string[];
  /** Run as this user and group (the service runs as root); undefined = as the service. */
  uid?: number;
  gid?: number;
  /** Bound for each of stdout and stderr (head and tail kept). */
  captureBytes: number;
  /** For startedAt/endedAt; Date.now by default. */
  now?: () => number;
}

export type StopReason = 'timeout' | 'shutdown' | 'replace';

export interface RunningJob {
  /** The job's pid (and process group id); null when it could not be started. */
  readonly pid: number | null;
  /** Always resolves, never rejects: a spawn failure is a result with `error` set. */
  readonly result: Promise<RunResult>;
  /** Stops the run's whole process group: SIGTERM, then SIGKILL after killGraceMs. Idempotent. */
  stop(reason: StopReason): Promise<void>;
  /** Sends `signal` to the job's own process (procs' hup_on_change); false when it is not running. */
  signal(signal: NodeJS.Signals): boolean;
}

export function spawnJob(opts: SpawnJobOptions): RunningJob {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const extra = opts.args ?? [];
  const [file, args] =
    opts.command.kind === 'exec'
      ? [opts.command.path, [...extra]]
      : ['/bin/sh', ['-c', opts.command.script, opts.job, ...extra]];
  const stdout = new BoundedCapture(opts.captureBytes);
  const stderr = new BoundedCapture(opts.captureBytes);

  let resolveResult!: (result: RunResult) => void;
  const result = new Promise<RunResult>((resolve) => (resolveResult = resolve));
  let settled = false;
  const finish = (fields: Pick<RunResult, 'exitCode' | 'signal' | 'error' | 'pid'>): void => {
    if (settled) return;
    settled = true;
    if (timeoutTimer) clearTimeout(timeoutTimer);
    const endedAt = now();
    resolveResult({
      runId: opts.runId,
      job: opts.job,
      ...fields,
      timedOut: stopReason === 'timeout',
      forcefullyTerminated,
      startedAt,
      endedAt,
      durationMs: endedAt - startedAt,
      stdout: stdout.text(),
      stderr: stderr.text(),
      outputTruncated: stdout.truncated,
      errorTruncated: stderr.truncated,
    });
  };

  let stopReason: StopReason | undefined;
  let stopping: Promise<void> | undefined;
  let forcefullyTerminated = false;
  let timeoutTimer: NodeJS.Timeout | undefined;

  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      shell: false,
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
      // Each run leads its own process group (pgid = pid), so a timeout or shutdown can signal -pid and reach the
      // grandchildren too; it also lets runs outlive a crashed service, to be found again by crash recovery.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'], // stdin from /dev/null
    });
  } catch (error) {
    // Bad arguments (a NUL byte in the environment) throw at once instead of emitting 'error'.
    finish({ exitCode: null, signal: null, error: describeSpawnError(error, file, opts.cwd), pid: null });
    return { pid: null, result, stop: async () => {}, signal: () => false };
  }
  const pid = child.pid ?? null;

  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  let openPipes = (child.stdout ? 1 : 0) + (child.stderr ? 1 : 0);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  const finishIfDone = (): void => {
    if (!exit || openPipes > 0 || settled) return;
    // NOTE: wait for a stop in progress so the result says whether SIGKILL was needed and the group is gone.
    const fields = { exitCode: exit.code, signal: exit.signal, error: null, pid };
    if (stopping) void stopping.then(() => finish(fields));
    else finish(fields);
  };
  const onPipeClosed = (): void => {
    openPipes--;
    finishIfDone();
  };
  child.stdout?.on('close', onPipeClosed);
  child.stderr?.on('close', onPipeClosed);

  // spawn reports ENOENT/EACCES asynchronously, with pid undefined and no 'exit' to follow.
  child.on('error', (error) => {
    if (pid !== null) return; // a failure after the start (none expected: we signal with process.kill)
    child.stdout?.destroy();
    child.stderr?.destroy();
    finish({ exitCode: null, signal: null, error: describeSpawnError(error, file, opts.cwd), pid: null });
  });

  child.on('exit', (code, signal) => {
    exit = { code, signal };
    if (openPipes > 0) {
      setTimeout(() => {
        // Leftover processes still hold the pipes: stop reading (they get EPIPE) and finish with what we have.
        child.stdout?.destroy();
        child.stderr?.destroy();
        openPipes = 0;
        finishIfDone();
      }, PIPE_DRAIN_AFTER_EXIT_MS);
    }
    finishIfDone();
  });

  const stop = (reason: StopReason): Promise<void> => {
    // The first reason is the one recorded: a shutdown that hits a run already timing out keeps 'timeout'.
    stopReason ??= reason;
    if (pid === null) return Promise.resolve();
    stopping ??= terminateGroup(pid, opts.killGraceMs).then(({ forced }) => {
      forcefullyTerminated = forced;
    });
    return stopping;
  };

  if (pid !== null && opts.timeoutMs !== undefined) {
    timeoutTimer = setTimeout(() => void stop('timeout'), opts.timeoutMs);
  }

  const signal = (name: NodeJS.Signals): boolean => {
    if (pid === null || exit) return false;
    try {
      process.kill(pid, name);
      return true;
    } catch {
      return false;
    }
  };

  return { pid, result, stop, signal };
}
