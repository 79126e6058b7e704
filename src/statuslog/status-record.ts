// The JSON record written to job_status.log for each finished run: PyCron's fields first, then ours, in a fixed
// key order so that lines diff and grep alike.
import { isSuccess } from '../runner/run-result.ts';
import type { RunResult } from '../runner/run-result.ts';

export interface StatusRecord {
  /** PyCron: absolute path of the job's script (or its job.ini). */
  file: string;
  /** PyCron: the run's id (= run_id). */
  uuid: string;
  /** PyCron: the exit code; null when the process was ended by a signal or never started. */
  status_code: number | null;
  /** PyCron: captured stdout. */
  output: string;
  /** PyCron: captured stderr, followed by pycron's sentence when the run failed outside the job. */
  error: string;
  /** PyCron: when the job runs next (ISO 8601), null when it never does. */
  next_run: string | null;
  /** PyCron: why this run happened ('schedule', 'catch-up', 'retry', ...). */
  reason_for_run: string;
  /** PyCron: consecutive failed runs including this one; 0 when this run succeeded. */
  number_of_failed_attempts: number;
  begun_at: string;
  ended_at: string;
  /** PyCron: run time in seconds. */
  runtime: number;
  job: string;
  run_id: string;
  /** The schedule slot this run was for. */
  scheduled_at: string;
  duration_ms: number;
  signal: string | null;
  timed_out: boolean;
  forcefully_terminated: boolean;
  output_truncated: boolean;
  error_truncated: boolean;
  /** Why the run could not start (or failed outside the job), else null. */
  spawn_error: string | null;
  host: string;
  pid: number | null;
  /** Extra arguments the run got (kopf's [cron] entries, triggers, chained jobs); [] for most runs. */
  args: string[];
  ok: boolean;
}

export interface StatusRecordInput {
  job: { name: string; file: string };
  result: RunResult;
  scheduledAt: number;
  reasonForRun: string;
  /** Consecutive failed runs counting this one when it failed (the job's failures after this result). */
  failedAttempts: number;
  nextRun: number | undefined;
  host: string;
  args?: readonly string[];
}

export function buildStatusRecord(input: StatusRecordInput): StatusRecord {
  const { result } = input;
  const ok = isSuccess(result);
  return {
    file: input.job.file,
    uuid: result.runId,
    status_code: result.exitCode,
    output: result.stdout,
    error: joinLines(result.stderr, result.error),
    next_run: input.nextRun === undefined ? null : isoTime(input.nextRun),
    reason_for_run: input.reasonForRun,
    number_of_failed_attempts: ok ? 0 : input.failedAttempts,
    begun_at: isoTime(result.startedAt),
    ended_at: isoTime(result.endedAt),
    runtime: result.durationMs / 1000,
    job: input.job.name,
    run_id: result.runId,
    scheduled_at: isoTime(input.scheduledAt),
    duration_ms: result.durationMs,
    signal: result.signal,
    timed_out: result.timedOut,
    forcefully_terminated: result.forcefullyTerminated,
    output_truncated: result.outputTruncated,
    error_truncated: result.errorTruncated,
    spawn_error: result.error,
    host: input.host,
    pid: result.pid,
    args: [...(input.args ?? [])],
    ok,
  };
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** stderr, then pycron's own sentence on a line of its own. */
function joinLines(stderr: string, sentence: string | null): string {
  if (sentence === null) return stderr;
  if (stderr === '') return sentence;
  return `${stderr}${stderr.endsWith('\n') ? '' : '\n'}${sentence}`;
}
