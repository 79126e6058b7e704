// The part of the settings that shapes how job folders are read: one place, so every command scans alike.
import type { Settings } from '../config/settings.ts';
import type { ScanOptions } from './scan-jobs-folder.ts';

export function scanOptionsOf(settings: Settings): ScanOptions {
  return { timezone: settings.timezone, jobDefaults: settings.jobDefaults };
}
