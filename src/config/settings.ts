// The validated settings the service runs with: built-in defaults < config.ini < command-line flags.
import type { JobDefaults } from '../jobs/read-job-options.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Settings {
  /** Absolute path of the config file read, or undefined when built-in defaults were used. */
  configFile: string | undefined;
  /** [Folders] JOBS_FOLDER (or JOBS_FOLDER_DEFAULT), absolute. */
  jobsFolder: string;
  /** [Folders] LOGS_FOLDER (or LOGS_FOLDER_DEFAULT), absolute: job_status.log lives here. */
  logsFolder: string;
  /** Our JSON state file, absolute. A PyCron `.pickle` PERSISTENCE_FILE becomes the `.json` file beside it. */
  stateFile: string;
  /** [Timings] SLEEP_DURATION in ms: accepted for PyCron; pycron sleeps until the next due instant instead. */
  sleepDurationMs: number;
  /** [Timings] CHECK_FOR_NEW_JOBS_EVERY in ms: the full rescan of the jobs folder (the safety net). */
  rescanEveryMs: number;
  /** [Timings] JOB_FAIL_TIMEOUT_PERIOD_MINUTES in ms: delay before a failed run is retried. */
  retryDelayMs: number;
  /** [Timings] SHUTDOWN_GRACE_SECONDS in ms: how long running jobs may finish after SIGTERM. */
  shutdownGraceMs: number;
  /** [Timings] KILL_GRACE_SECONDS in ms: between SIGTERM and SIGKILL when a run is stopped. */
  killGraceMs: number;
  /** [Logging] OUTPUT_CAPTURE_BYTES: bound on captured stdout and on captured stderr, per run. */
  captureBytes: number;
  /** [Logging] STATUS_LOG_RETENTION_DAYS: daily status-log files kept. */
  statusLogRetentionDays: number;
  /** [Logging] LOG_LEVEL, from Python level names. */
  logLevel: LogLevel;
  /** [Logging] LOG_FORMAT: human-readable text or JSON lines on stderr. */
  logFormat: 'text' | 'json';
  /** [Jobs] TIMEZONE: zone for schedules that name none; defaults to the host's zone. */
  timezone: string;
  /** [Control] SOCKET, absolute: the control socket `pycron trigger` uses (pycron.sock beside the state file); null: off. */
  controlSocket: string | null;
  /** [Defaults]: job.ini keys for every job (under its protos and job.ini), checked, with file and line. */
  jobDefaults: JobDefaults;
}
