// A job as the rest of the program sees it, whatever folder layout it came from.
import type { Schedule } from '../schedule/schedule.ts';
import type { JobOptions } from './job-options.ts';

export type JobCommand =
  /** Run this file directly (spawn, no shell); it needs its exec bit and, for scripts, a #! line. */
  | { kind: 'exec'; path: string }
  /** Run this text with `/bin/sh -c` (job.ini `command =`). */
  | { kind: 'shell'; script: string };

export interface JobSpec {
  /** Unique id: the folder name for job folders, the path relative to the jobs folder for PyCron layout. */
  readonly name: string;
  /** `stored`: a job kept in the cluster's database (src/stored-jobs/), named CATEGORY/NAME. */
  readonly layout: 'pycron' | 'folder' | 'stored';
  /** Absolute path of the job's folder: the working directory of its runs. */
  readonly folder: string;
  /** Absolute path of the script, or of job.ini for `command =` jobs: PyCron's `file` field. */
  readonly file: string;
  readonly command: JobCommand;
  /** One or more schedules; the job fires at the earliest next instant of any of them. */
  readonly schedules: readonly Schedule[];
  /**
   * Extra arguments for each schedule's firings, index for index with `schedules` (kopf's `[cron]` hash form);
   * usually empty lists. Arguments go after the command's own: argv for a script, "$@" for `command =`.
   */
  readonly scheduleArgs: readonly (readonly string[])[];
  /** IANA zone the schedules are read in. */
  readonly timezone: string;
  /** Stop the run after this long (SIGTERM to its group, then SIGKILL after the kill grace); undefined = never. */
  readonly timeoutMs: number | undefined;
  /** false: `enabled = false` in job.ini, or a file named `disabled` in the folder. The job is known but not run. */
  readonly enabled: boolean;
  /** Policies and kopf options (overlap, catch-up, retries, timing, chaining, procs, env, user...). */
  readonly options: JobOptions;
  /** Changes whenever anything that affects scheduling or running changes; used to notice edits. */
  readonly fingerprint: string;
}
