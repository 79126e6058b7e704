// Reads one job folder `JOBS/NAME/`: its schedule (a `schedule` file or job.ini's `schedule =`), what it runs
// (its one executable file or job.ini's `command =`) and job.ini's options. Any error means no job, and says why.
import path from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import type { ErrorCode } from '../errors.ts';
import { parseSchedule, type ParsedSchedule } from '../schedule/parse-schedule.ts';
import type { Schedule } from '../schedule/schedule.ts';
import { isValidTimeZone } from '../schedule/zone-time.ts';
import { fingerprintJob } from './fingerprint-job.ts';
import { defaultJobOptions } from './job-options.ts';
import type { JobCommand, JobSpec } from './job-spec.ts';
import { isIgnoredName, JOB_INI_FILE, SCHEDULE_FILE } from './job-file-names.ts';
import { DURATION_EXPECTED, parseDuration } from './parse-duration.ts';
import { isExecutable, readFolder, type FolderEntry } from './read-folder.ts';
import { readJobIni, type JobIni } from './read-job-ini.ts';
import { readSmallText } from './read-small-text.ts';
import type { ScanResult } from './scan-jobs-folder.ts';

const ENABLED_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  yes: true,
  on: true,
  1: true,
  false: false,
  no: false,
  off: false,
  0: false,
};

// Parsing 10,000 cron lines takes most of a second; a rescan finds the same texts, and schedules are pure values.
const parsedSchedules = new Map<string, ParsedSchedule>();
const MAX_CACHED_SCHEDULES = 50_000;

const MAX_TIMEOUT_MS = 24 * 86_400_000;

function parseScheduleCached(text: string, timezone: string, jobName: string): ParsedSchedule {
  // Only cron's H depends on the job's name: other schedules with the same text and zone are one shared value.
  const seed = /H/.test(text) ? jobName : '';
  const key = `${timezone}\u0000${seed}\u0000${text}`;
  let parsed = parsedSchedules.get(key);
  if (!parsed) {
    if (parsedSchedules.size >= MAX_CACHED_SCHEDULES) parsedSchedules.clear();
    parsed = parseSchedule(text, timezone, { hashSeed: jobName });
    parsedSchedules.set(key, parsed);
  }
  return parsed;
}

/** Reads `jobsFolder/name`; a folder that is gone gives an empty result. Never throws. */
export async function readJobFolder(jobsFolder: string, name: string, opts: { timezone: string }): Promise<ScanResult> {
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
  const fail = (code: ErrorCode, where: string, message: string): void => {
    diagnostics.push({ severity: 'error', code, path: where, message });
  };
  const fileNamed = (wanted: string): FolderEntry | undefined =>
    listing.entries.find((e) => e.name === wanted && e.kind === 'file');
  const iniPath = path.join(folder, JOB_INI_FILE);
  const schedulePath = path.join(folder, SCHEDULE_FILE);

  const jobIni: JobIni | undefined = fileNamed(JOB_INI_FILE) ? readJobIni(iniPath) : undefined;
  diagnostics.push(...(jobIni?.diagnostics ?? []));
  const ini = jobIni?.values ?? {};
  let scheduleText: string | undefined;
  const hasScheduleFile = fileNamed(SCHEDULE_FILE) !== undefined;
  if (hasScheduleFile) {
    const read = readSmallText(schedulePath);
    if (read.ok) scheduleText = read.text;
    else if (!read.gone) fail('IO_FAILED', schedulePath, `cannot be read (${read.error})`);
  }

  let timezone = opts.timezone;
  if (ini.timezone) {
    if (isValidTimeZone(ini.timezone.value)) timezone = ini.timezone.value;
    else
      fail(
        'SCHEDULE_INVALID',
        iniPath,
        `line ${ini.timezone.line}: timezone: unknown time zone '${ini.timezone.value}' (expected an IANA name such as Europe/Berlin)`,
      );
  }

  // Schedules: exactly one of the two sources.
  const schedules: Schedule[] = [];
  const scheduleTexts: string[] = [];
  if (scheduleText !== undefined && ini.schedule) {
    fail(
      'JOB_INVALID',
      folder,
      `both a 'schedule' file and 'schedule =' in job.ini (line ${ini.schedule.line}); keep one`,
    );
  } else if (scheduleText !== undefined) {
    const lines = scheduleText.split(/\r?\n/).map((text, index) => ({ text: text.trim(), line: index + 1 }));
    const expressions = lines.filter((l) => l.text !== '' && !l.text.startsWith('#'));
    if (expressions.length === 0)
      fail('JOB_INVALID', schedulePath, 'no schedule expression (every line is blank or a # comment)');
    for (const { text, line } of expressions) {
      const parsed = parseScheduleCached(text, timezone, name);
      if (parsed.ok) schedules.push(parsed.schedule);
      else fail('SCHEDULE_INVALID', schedulePath, `line ${line}: ${parsed.error}`);
      scheduleTexts.push(text);
    }
  } else if (ini.schedule) {
    const parsed = parseScheduleCached(ini.schedule.value, timezone, name);
    if (parsed.ok) schedules.push(parsed.schedule);
    else fail('SCHEDULE_INVALID', iniPath, `line ${ini.schedule.line}: schedule: ${parsed.error}`);
    scheduleTexts.push(ini.schedule.value);
  } else if (!hasScheduleFile) {
    fail('JOB_INVALID', folder, "no schedule (add a 'schedule' file or 'schedule =' in job.ini)");
  }

  // What to run: job.ini's command, else the folder's one executable file.
  let command: JobCommand | undefined;
  let script: FolderEntry | undefined;
  if (ini.command) {
    if (ini.command.value.trim() === '')
      fail('JOB_INVALID', iniPath, `line ${ini.command.line}: command: expected a command for /bin/sh -c, got ''`);
    else command = { kind: 'shell', script: ini.command.value };
  } else {
    const candidates = listing.entries.filter((e) => e.kind === 'file' && e.stats && !isIgnoredName(e.name));
    const executables = candidates.filter((e) => e.stats && isExecutable(e.stats));
    const names = (list: FolderEntry[]): string => list.map((e) => e.name).join(', ');
    if (executables.length === 1) {
      script = executables[0];
      if (script) command = { kind: 'exec', path: script.path };
    } else if (executables.length > 1) {
      fail(
        'JOB_INVALID',
        folder,
        `${executables.length} executable files (${names(executables)}); a job folder runs exactly one: remove the exec bit from the others or set command = in job.ini`,
      );
    } else if (candidates.length > 0) {
      const verb = candidates.length === 1 ? 'is' : 'are';
      fail(
        'JOB_INVALID',
        folder,
        `no executable file (${names(candidates)} ${verb} not executable): chmod +x the script, or set command = in job.ini`,
      );
    } else {
      fail('JOB_INVALID', folder, 'nothing to run (add one executable file, or set command = in job.ini)');
    }
  }

  let timeoutMs: number | undefined;
  if (ini.timeout) {
    const parsed = parseDuration(ini.timeout.value);
    // NOTE: Node's timers hold at most 2^31-1 ms (24.8 days); a longer timeout would fire after 1 ms.
    if (parsed.ok && parsed.ms > 0 && parsed.ms <= MAX_TIMEOUT_MS) timeoutMs = parsed.ms;
    else
      fail(
        'JOB_INVALID',
        iniPath,
        `line ${ini.timeout.line}: timeout: expected ${DURATION_EXPECTED} (above 0, at most 24 days), got '${ini.timeout.value}'`,
      );
  }

  let enabled = true;
  if (ini.enabled) {
    const word = ini.enabled.value.trim().toLowerCase();
    if (Object.hasOwn(ENABLED_WORDS, word)) enabled = ENABLED_WORDS[word] as boolean;
    else
      fail(
        'JOB_INVALID',
        iniPath,
        `line ${ini.enabled.line}: enabled: expected true or false (or yes/no, on/off, 1/0), got '${ini.enabled.value}'`,
      );
  }

  if (!command || diagnostics.some((d) => d.severity === 'error')) return { jobs: [], diagnostics };
  const file = command.kind === 'exec' ? command.path : iniPath;
  const fingerprint = fingerprintJob({
    layout: 'folder',
    name,
    folder,
    file,
    command,
    scheduleTexts,
    timezone,
    timeoutMs: timeoutMs ?? null,
    enabled,
    scriptSize: script?.stats?.size ?? null,
    scriptMtimeMs: script?.stats?.mtimeMs ?? null,
    ini: jobIni?.content ?? null,
  });
  const job: JobSpec = {
    name,
    layout: 'folder',
    folder,
    file,
    command,
    schedules,
    scheduleArgs: schedules.map(() => []),
    timezone,
    timeoutMs,
    enabled,
    options: defaultJobOptions(folder, name),
    fingerprint,
  };
  return { jobs: [job], diagnostics };
}
