// One result of `pycron doctor`: what was checked, how bad it is, and, unless it is fine, what to do about it.

export type FindingSeverity = 'ok' | 'warn' | 'error';

export interface Finding {
  check: 'config' | 'node' | 'inotify' | 'paths' | 'clock' | 'disk' | 'timezones' | 'jobs';
  severity: FindingSeverity;
  message: string;
  /** A concrete command or edit; absent when the severity is ok. */
  fix?: string;
}
