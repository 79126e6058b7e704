// Reads a job folder's job.ini into the values of known keys (with their line numbers), warning about unknown
// keys and sections. Keys go at the top of the file or under [job]; the ini traps are read-ini.ts's business.
import type { Diagnostic } from '../diagnostic.ts';
import { closestName } from '../config/closest-name.ts';
import { parseIni } from '../config/read-ini.ts';
import { readSmallText } from './read-small-text.ts';

/** Every job.ini key pycron knows, with what it holds. Later options are added here (and read in job-folder.ts). */
export const JOB_INI_KEYS = {
  schedule: 'one schedule expression (instead of a schedule file)',
  command: 'a command run with /bin/sh -c (instead of an executable file)',
  timeout: 'stop the run after this long: 90s, 5m, 1h30m or seconds',
  timezone: 'IANA time zone the schedules are read in',
  enabled: 'true or false (yes/no, on/off, 1/0); default true',
} as const;

export type JobIniKey = keyof typeof JOB_INI_KEYS;
/** The one named section job.ini keys may also sit under. */
export const JOB_INI_SECTION = 'job';

export interface JobIniValue {
  value: string;
  line: number;
}

export interface JobIni {
  /** The raw text (part of the job's fingerprint). */
  content: string;
  values: Partial<Record<JobIniKey, JobIniValue>>;
  diagnostics: Diagnostic[];
}

function isKnownKey(key: string): key is JobIniKey {
  return Object.hasOwn(JOB_INI_KEYS, key);
}

/** Reads `file`; undefined when it does not exist (removed since the folder was listed). Never throws. */
export function readJobIni(file: string): JobIni | undefined {
  const read = readSmallText(file);
  if (!read.ok) {
    if (read.gone) return undefined;
    return {
      content: '',
      values: {},
      diagnostics: [{ severity: 'error', code: 'IO_FAILED', path: file, message: `cannot be read (${read.error})` }],
    };
  }
  const content = read.text;
  const { document, diagnostics } = parseIni(content, file);
  const values: JobIni['values'] = {};
  const knownKeys = Object.keys(JOB_INI_KEYS);

  for (const [id, section] of document.sections) {
    if (id !== '' && id !== JOB_INI_SECTION) {
      const message = `line ${section.line}: unknown section [${section.name}] (job.ini keys go at the top or under [${JOB_INI_SECTION}])`;
      diagnostics.push({ severity: 'warning', code: 'JOB_INVALID', path: file, message });
      continue;
    }
    for (const [key, entry] of section.entries) {
      if (!isKnownKey(key)) {
        const guess = closestName(key, knownKeys);
        const hint = guess ? `did you mean '${guess}'? ` : '';
        const message = `line ${entry.line}: unknown key '${entry.key}' (${hint}known keys: ${knownKeys.join(', ')})`;
        diagnostics.push({ severity: 'warning', code: 'JOB_INVALID', path: file, message });
      } else if (values[key]) {
        const message = `line ${entry.line}: ${key} is set twice (line ${values[key].line} and line ${entry.line}); keep one`;
        diagnostics.push({ severity: 'error', code: 'JOB_INVALID', path: file, message });
      } else {
        values[key] = { value: entry.value, line: entry.line };
      }
    }
  }
  return { content, values, diagnostics };
}
