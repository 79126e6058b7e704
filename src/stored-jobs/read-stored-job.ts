// Turns one stored job (a database row, or a job of a PUT category) into a job spec, through the same job.ini
// rules as a job folder: its options over its protos over config.ini [Defaults]. Any error means no job, and says why.
import { tmpdir } from 'node:os';
import { closestName } from '../config/closest-name.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { fingerprintJob } from '../jobs/fingerprint-job.ts';
import { canonicalJobKey, findJobIniKey, JOB_INI_KEYS } from '../jobs/job-ini-keys.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { JobIni, JobIniValue } from '../jobs/read-job-ini.ts';
import { readJobOptions } from '../jobs/read-job-options.ts';
import { readJobSchedules } from '../jobs/read-job-schedules.ts';
import { systemUserLookup } from '../jobs/resolve-run-as-user.ts';
import type { ScanOptions, ScanResult } from '../jobs/scan-jobs-folder.ts';
import { storedJobName, type StoredJob } from './stored-job.ts';

/** Keys a stored job gives as its own fields, or that make no sense for it (a proc belongs to one instance). */
const OWN_FIELDS: Readonly<Record<string, string>> = {
  schedule: "give it as the job's 'schedule' field",
  command: "give it as the job's 'command' field",
  routing_key: "give it as the job's 'routing_key' field",
  type: 'a stored job is always type = job (a proc belongs to the instance that starts it: use a job folder)',
};
const OPTION_KEYS = JOB_INI_KEYS.map((spec) => spec.key).filter((key) => !(key in OWN_FIELDS));

/** Where a stored job's problems are reported (Diagnostic.path) and its status records' `file`. */
export function storedJobPlace(job: Pick<StoredJob, 'category' | 'name'>): string {
  return `stored job ${storedJobName(job)}`;
}

/** Never throws. `jobsFolder` is where `proto =` finds its files, as for a job folder. */
export function readStoredJob(stored: StoredJob, jobsFolder: string, opts: ScanOptions): ScanResult {
  const name = storedJobName(stored);
  const place = storedJobPlace(stored);
  // NOTE: runs start in the temporary folder, as a worker's do, unless `dir =` says otherwise.
  const folder = tmpdir();
  const diagnostics: Diagnostic[] = [];
  const value = (key: string, text: string): JobIniValue => ({ key, value: text, line: 0, file: place });
  const values: Record<string, JobIniValue> = {
    schedule: value('schedule', stored.schedule),
    command: value('command', stored.command),
  };
  if (stored.routingKey !== null) values.routing_key = value('routing_key', stored.routingKey);
  for (const [key, text] of Object.entries(stored.options)) {
    const canonical = canonicalJobKey(key);
    if (canonical in OWN_FIELDS) {
      diagnostics.push(invalid(place, `options.${key}: ${OWN_FIELDS[canonical]}`));
    } else if (values[canonical] !== undefined) {
      // NOTE: as job.ini refuses a key set twice: the database may give the keys back in another order.
      diagnostics.push(invalid(place, `options.${key}: given twice (also as '${values[canonical].key}'): keep one`));
    } else if (!findJobIniKey(key)) {
      const guess = closestName(key, OPTION_KEYS);
      const hint = guess ? `did you mean '${guess}'? ` : '';
      diagnostics.push(invalid(place, `options.${key}: unknown job.ini key (${hint}see docs/job-ini.md)`));
    } else {
      values[canonical] = value(key, text);
    }
  }
  const jobIni: JobIni = { content: '', values, env: [], trigger: [], cron: [], diagnostics: [] };
  const ini = readJobOptions({
    jobsFolder,
    folder,
    name,
    jobIni,
    reportAs: place,
    defaults: opts.jobDefaults ?? {},
    defaultTimezone: opts.timezone,
    users: opts.users ?? systemUserLookup,
  });
  const schedules = readJobSchedules({
    name,
    folder,
    scheduleFile: undefined,
    iniSchedule: ini.schedule,
    iniScheduleIsOwn: true,
    cron: [],
    timezone: ini.timezone,
    options: ini.options,
    reportAs: place,
  });
  // Messages say `line 0: timeout` for a job.ini value: a stored job's values have no lines.
  for (const d of [...ini.diagnostics, ...schedules.diagnostics])
    diagnostics.push({ ...d, path: place, message: d.message.replace(/^line 0: /, '') });
  if (ini.options.type !== 'job')
    diagnostics.push(invalid(place, `type = ${ini.options.type} (from a proto or [Defaults]): ${OWN_FIELDS.type}`));
  if (diagnostics.some((d) => d.severity === 'error')) return { jobs: [], diagnostics };

  const command = { kind: 'shell', script: stored.command } as const;
  const job: JobSpec = {
    name,
    layout: 'stored',
    folder,
    file: place,
    command,
    schedules: schedules.schedules,
    scheduleArgs: schedules.scheduleArgs,
    timezone: ini.timezone,
    timeoutMs: ini.timeoutMs,
    enabled: ini.enabled,
    options: ini.options,
    fingerprint: fingerprintJob({
      layout: 'stored',
      name,
      command,
      scheduleTexts: schedules.scheduleTexts,
      timezone: ini.timezone,
      timeoutMs: ini.timeoutMs ?? null,
      enabled: ini.enabled,
      protos: ini.protoContents,
      options: ini.options,
    }),
  };
  return { jobs: [job], diagnostics };
}

function invalid(place: string, message: string): Diagnostic {
  return { severity: 'error', code: 'JOB_INVALID', path: place, message };
}
