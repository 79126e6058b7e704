// A job as the HTTP API shows it: what `pycron list` shows (schedule in words, next runs, last result) plus what
// only the running service knows (paused, running copies, proc status, the diagnostics of its folder).
import { describeRhythm } from '../commands/describe-rhythm.ts';
import { zoneOf } from '../commands/format-instant.ts';
import type { Diagnostic } from '../diagnostic.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import { nextSlot } from '../scheduler/next-slot.ts';
import type { HttpService } from './http-ports.ts';

export interface JobView {
  name: string;
  title: string;
  layout: JobSpec['layout'];
  type: 'job' | 'proc';
  schedule: string;
  timezone: string;
  enabled: boolean;
  paused: boolean;
  overlap: string;
  http_trigger: string;
  /** The next runs, up to NEXT_RUNS of them (ISO 8601); the first may be a retry or a period/pause run. */
  next_runs: string[];
  running: number;
  last_result: {
    run_id: string;
    ok: boolean;
    exit_code: number | null;
    started_at: string;
    ended_at: string;
    duration_ms: number;
  } | null;
  failures: number;
  proc: { state: string; pid: number | null; restarts: number } | null;
  /** The last runs in the history, newest first (the dashboard's strip); [] without a history. */
  recent_runs: RecentRun[];
  diagnostics: { severity: string; code: string; path: string; message: string }[];
}

/** One run in a job's strip of recent runs. */
export interface RecentRun {
  run_id: string;
  status: 'ok' | 'failed' | 'timed_out';
  duration_ms: number;
  ended_at: string;
}

export const NEXT_RUNS = 3;
export const RECENT_RUNS = 20;

/** `recentRuns` gives a job's last runs, newest first (the run history); without it the strip is empty. */
export function describeJob(service: HttpService, job: JobSpec, recentRuns?: (job: string) => RecentRun[]): JobView {
  const state = service.state.get(job.name);
  const last = state.lastRun;
  const proc = job.options.type === 'proc' ? service.procs.status(job.name) : undefined;
  return {
    name: job.name,
    title: job.options.title,
    layout: job.layout,
    type: job.options.type,
    schedule: scheduleInWords(job),
    timezone: zoneOf(job),
    enabled: job.enabled,
    paused: state.paused === true,
    overlap: job.options.overlap,
    http_trigger: job.options.httpTrigger,
    next_runs: nextRuns(service, job).map((at) => new Date(at).toISOString()),
    running: service.runs.runningCount(job.name),
    last_result: last
      ? {
          run_id: last.runId,
          ok: last.ok,
          exit_code: last.exitCode,
          started_at: new Date(last.startedAt).toISOString(),
          ended_at: new Date(last.endedAt).toISOString(),
          duration_ms: last.endedAt - last.startedAt,
        }
      : null,
    failures: state.failures,
    proc: proc ? { state: proc.state, pid: proc.pid, restarts: proc.restarts } : null,
    recent_runs: recentRuns ? recentRuns(job.name) : [],
    diagnostics: diagnosticsOf(job, service.catalog.diagnostics),
  };
}

/** A job's schedule in words, by job: the words never change for one JobSpec. */
const wordsOf = new WeakMap<JobSpec, string>();

function scheduleInWords(job: JobSpec): string {
  let words = wordsOf.get(job);
  if (words === undefined) wordsOf.set(job, (words = describeRhythm(job)));
  return words;
}

/** The slots after a job's next instant, by job (a changed job is a new JobSpec, so stale entries go with it). */
const followingSlots = new WeakMap<JobSpec, { first: number; runs: number[] }>();

/**
 * The scheduler's next instant, then the schedules' following slots. None for paused, disabled jobs and procs.
 * NOTE: the following slots are remembered until the next instant moves: computing them is most of the cost of
 * listing 10,000 jobs.
 */
function nextRuns(service: HttpService, job: JobSpec): number[] {
  const first = service.scheduler.nextAt(job.name);
  if (first === undefined) return [];
  const known = followingSlots.get(job);
  if (known?.first === first) return known.runs;
  const runs = [first];
  let after = first;
  while (runs.length < NEXT_RUNS) {
    const at = nextSlot(job, after);
    if (at === undefined) break;
    runs.push(at);
    after = at;
  }
  followingSlots.set(job, { first, runs });
  return runs;
}

/** Warnings about the job's own folder (an invalid folder is not a job: it is listed in the catalog's diagnostics). */
function diagnosticsOf(job: JobSpec, all: readonly Diagnostic[]): JobView['diagnostics'] {
  return all
    .filter((d) => d.path === job.folder || d.path === job.file || d.path.startsWith(`${job.folder}/`))
    .map(viewDiagnostic);
}

export function viewDiagnostic(d: Diagnostic): { severity: string; code: string; path: string; message: string } {
  return { severity: d.severity, code: d.code, path: d.path, message: d.message };
}
