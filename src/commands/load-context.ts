// What every command starts from: the layered settings (or the problems with them) and, where needed, the jobs.
import type { Settings } from '../config/settings.ts';
import { loadSettings, type SettingsFlags } from '../config/load-settings.ts';
import { formatDiagnostic, type Diagnostic } from '../diagnostic.ts';
import { PycronError } from '../errors.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import { loadJobs } from './load-jobs.ts';

export interface CommonArgs {
  config?: string;
  target?: string;
  logFolder?: string;
  persistenceFile?: string;
  logFormat?: 'text' | 'json';
  logLevel?: string;
}

export function settingsFlags(args: CommonArgs): SettingsFlags {
  const flags: SettingsFlags = {};
  if (args.target !== undefined) flags.target = args.target;
  if (args.logFolder !== undefined) flags.logFolder = args.logFolder;
  if (args.persistenceFile !== undefined) flags.persistenceFile = args.persistenceFile;
  if (args.logFormat !== undefined) flags.logFormat = args.logFormat;
  if (args.logLevel !== undefined) flags.logLevel = args.logLevel;
  return flags;
}

/** Loads settings; any error diagnostic stops the command with exit 2, listing every problem. */
export function loadSettingsOrExit(args: CommonArgs): { settings: Settings; warnings: Diagnostic[] } {
  const { settings, diagnostics } = loadSettings({
    ...(args.config !== undefined ? { configPath: args.config } : {}),
    flags: settingsFlags(args),
    cwd: process.cwd(),
  });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new PycronError(first.code, {
      reason: `${errors.length} configuration problem${errors.length === 1 ? '' : 's'}:\n${diagnostics.map(formatDiagnostic).join('\n')}`,
    });
  }
  return { settings, warnings: diagnostics };
}

/** The job named `name`, or a JOB_NOT_FOUND error that lists the known names. */
export async function findJob(settings: Settings, name: string): Promise<JobSpec> {
  const { jobs } = await loadJobs(settings);
  const job = jobs.find((j) => j.name === name);
  if (job) return job;
  const known = jobs.map((j) => j.name).sort();
  throw new PycronError('JOB_NOT_FOUND', {
    reason: `no job named '${name}' in ${settings.jobsFolder}${known.length ? ` (jobs: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''})` : ' (it has no valid jobs)'}`,
  });
}
