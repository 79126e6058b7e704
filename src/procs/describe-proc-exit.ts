// Sentences about how a proc's run ended, for its status record's reason_for_run and the service log.
import type { RunResult } from '../runner/run-result.ts';

/** The process never ran (spawn failure): no exit code, no signal, a sentence in `error`. */
function failedToStart(result: RunResult): boolean {
  return result.exitCode === null && result.signal === null && result.error !== null;
}

/** The service log's head line: 'proc exited: web (exit code 1)', 'proc could not start: web (reason)'. */
export function describeProcEnd(name: string, result: RunResult): string {
  if (failedToStart(result)) return `proc could not start: ${name} (${result.error})`;
  if (result.signal !== null) return `proc exited: ${name} (signal ${result.signal})`;
  return `proc exited: ${name} (exit code ${result.exitCode})`;
}

/** reason_for_run of the run that follows an exit: 'proc restarted after exit (code 1)'. */
export function restartReasonAfter(result: RunResult): string {
  if (failedToStart(result)) return 'proc restarted after it could not start';
  if (result.signal !== null) return `proc restarted after exit (signal ${result.signal})`;
  return `proc restarted after exit (code ${result.exitCode})`;
}

/** '200 ms', '1.5 s', '5 min'. */
export function formatDelay(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}
