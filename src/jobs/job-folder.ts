// Reads one job folder `JOBS/NAME/`: its schedule (a `schedule` file, job.ini's `schedule =` or [cron]), what it runs
// (its one executable file or `command =`) and its options (job.ini over its protos over config.ini [Defaults]).
// Any error means no job, and says why.
import path from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import { fingerprintJob } from './fingerprint-job.ts';
import type { JobCommand, JobSpec } from './job-spec.ts';
import { DISABLED_FILE, isIgnoredName, JOB_INI_FILE, SCHEDULE_FILE } from './job-file-names.ts';
import { isExecutable, readFolder, type FolderEntry } from './read-folder.ts';
import { readJobIni, type JobIni } from './read-job-ini.ts';
import { readJobOptions } from './read-job-options.ts';
import { readJobSchedules } from './read-job-schedules.ts';
import { readSmallText } from './read-small-text.ts';
import { systemUserLookup } from './resolve-run-as-user.ts';
import type { ScanOptions, ScanResult } from './scan-jobs-folder.ts';

/** Reads `jobsFolder/name`; a folder that is gone gives an empty result. Never throws. */
export async function readJobFolder(jobsFolder: string, name: string, opts: ScanOptions): Promise<ScanResult> {
  const folder = path.join(jobsFolder, name);
  const listing = readFolder(folder);
  if (!listing.ok) {
    if (listing.gone) return { jobs: [], diagnostics: [] };
    return {
      jobs: [],
      diagnostics: [
        { severity: 'error', code: 'IO_FAILED', path: folder, message: `cannot be read (${listing.error})` },
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  const fail = (where: string, message: string): void => {
    diagnostics.push({ severity: 'error', code: 'JOB_INVALID', path: where, message });
  };
  const fileNamed = (wanted: string): FolderEntry | undefined =>
    listing.entries.find((e) => e.name === wanted && e.kind === 'file');
  const iniPath = path.join(folder, JOB_INI_FILE);
  const schedulePath = path.join(folder, SCHEDULE_FILE);

  const jobIni: JobIni | undefined = fileNamed(JOB_INI_FILE) ? readJobIni(iniPath) : undefined;
  const reportAs = jobIni ? iniPath : folder;
  const ini = readJobOptions({
    jobsFolder,
    folder,
    name,
    jobIni,
    reportAs,
    defaults: opts.jobDefaults ?? {},
    defaultTimezone: opts.timezone,
    users: opts.users ?? systemUserLookup,
  });
  diagnostics.push(...ini.diagnostics);

  let scheduleFile: { path: string; text: string | undefined } | undefined;
  if (fileNamed(SCHEDULE_FILE)) {
    const read = readSmallText(schedulePath);
    if (!read.ok && !read.gone)
      diagnostics.push({
        severity: 'error',
        code: 'IO_FAILED',
        path: schedulePath,
        message: `cannot be read (${read.error})`,
      });
    scheduleFile = { path: schedulePath, text: read.ok ? read.text : undefined };
  }
  const schedules = readJobSchedules({
    name,
    folder,
    scheduleFile,
    iniSchedule: ini.schedule,
    iniScheduleIsOwn: ini.schedule !== undefined && ini.schedule.file === iniPath,
    cron: ini.cron,
    timezone: ini.timezone,
    options: ini.options,
    reportAs,
  });
  diagnostics.push(...schedules.diagnostics);

  // What to run: job.ini's command, else the folder's one executable file, else a proto's command.
  let command: JobCommand | undefined;
  let script: FolderEntry | undefined;
  const ownCommand = ini.command?.file === iniPath ? ini.command : undefined;
  const candidates = listing.entries.filter(
    (e) => e.kind === 'file' && e.stats && !isIgnoredName(e.name) && e.name !== DISABLED_FILE,
  );
  const executables = candidates.filter((e) => e.stats && isExecutable(e.stats));
  const names = (list: FolderEntry[]): string => list.map((e) => e.name).join(', ');
  if (ownCommand || (ini.command && executables.length === 0)) {
    // NOTE: the value was checked (not blank) by readJobOptions.
    if (ini.command && ini.command.value.trim() !== '') command = { kind: 'shell', script: ini.command.value };
  } else if (executables.length === 1) {
    script = executables[0];
    if (script) command = { kind: 'exec', path: script.path };
  } else if (executables.length > 1) {
    fail(
      folder,
      `${executables.length} executable files (${names(executables)}); a job folder runs exactly one: remove the exec bit from the others or set command = in job.ini`,
    );
  } else if (candidates.length > 0) {
    const verb = candidates.length === 1 ? 'is' : 'are';
    fail(
      folder,
      `no executable file (${names(candidates)} ${verb} not executable): chmod +x the script, or set command = in job.ini`,
    );
  } else {
    fail(folder, 'nothing to run (add one executable file, or set command = in job.ini)');
  }

  const enabled = ini.enabled && !fileNamed(DISABLED_FILE);
  if (!command || diagnostics.some((d) => d.severity === 'error')) return { jobs: [], diagnostics };
  const file = command.kind === 'exec' ? command.path : iniPath;
  const fingerprint = fingerprintJob({
    layout: 'folder',
    name,
    folder,
    file,
    command,
    scheduleTexts: schedules.scheduleTexts,
    scheduleArgs: schedules.scheduleArgs,
    timezone: ini.timezone,
    timeoutMs: ini.timeoutMs ?? null,
    enabled,
    scriptSize: script?.stats?.size ?? null,
    scriptMtimeMs: script?.stats?.mtimeMs ?? null,
    ini: jobIni?.content ?? null,
    protos: ini.protoContents,
    options: ini.options,
  });
  const job: JobSpec = {
    name,
    layout: 'folder',
    folder,
    file,
    command,
    schedules: schedules.schedules,
    scheduleArgs: schedules.scheduleArgs,
    timezone: ini.timezone,
    timeoutMs: ini.timeoutMs,
    enabled,
    options: ini.options,
    fingerprint,
  };
  return { jobs: [job], diagnostics };
}
