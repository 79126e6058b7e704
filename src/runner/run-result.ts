// One result shape for every ending of a run: a normal exit, a signal, a timeout, or a spawn failure.

export type RunReason = 'schedule' | 'catch-up' | 'retry' | 'manual' | 'interrupted';

export interface RunResult {
  runId: string;
  job: string;
  /** The process's exit code; null when it was ended by a signal or never started. */
  exitCode: number | null;
  /** The signal that ended the process, if any ('SIGTERM', 'SIGKILL'). */
  signal: string | null;
  /** The run was stopped because it reached its timeout. */
  timedOut: boolean;
  /** SIGTERM was not enough and the group got SIGKILL. */
  forcefullyTerminated: boolean;
  /** The process could not be started, or another failure outside the job: a sentence, else null. */
  error: string | null;
  pid: number | null;
  startedAt: number;
  endedAt: number;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** stdout / stderr were longer than the capture bound; the middle was dropped. */
  outputTruncated: boolean;
  errorTruncated: boolean;
}

/** A run succeeded when its process exited 0 on its own. */
export function isSuccess(result: RunResult): boolean {
  return result.exitCode === 0 && result.error === null && !result.timedOut;
}
