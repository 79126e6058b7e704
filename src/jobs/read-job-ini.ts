// Reads one job.ini (or a proto, `JOBS/_protos/NAME.ini`, same syntax) into its main keys and its [env], [trigger]
// and [cron] entries, each with file and line. An unknown key or section is an error: the job is not loaded.
// Values are checked later (read-job-options.ts), once protos and config.ini [Defaults] have been layered under them.
import type { Diagnostic } from '../diagnostic.ts';
import { closestName } from '../config/closest-name.ts';
import { parseIni } from '../config/read-ini.ts';
import { canonicalJobKey, findJobIniKey, JOB_INI_KEYS } from './job-ini-keys.ts';
import { readSmallText } from './read-small-text.ts';

/** The one named section main keys may also sit under. */
export const JOB_INI_SECTION = 'job';

/** The sections of job.ini, with what they hold (docs/job-ini.md is checked against this). */
export const JOB_INI_SECTIONS = {
  job: { doc: 'The main keys may sit under [job] instead of at the top of the file.', example: 'timeout = 5m' },
  env: {
    doc: "NAME = value pairs added to the environment of each run. Names are letters, digits and _, not starting with a digit; PYCRON_* names are pycron's own.",
    example: 'PGDATABASE = sales',
  },
  trigger: {
    doc: "JOB = arguments: start JOB when a run of this job ends (see trigger_on), with these extra arguments, split into words as a POSIX shell does (quotes and backslashes; nothing is expanded). The value is read as written, without ini's quote and comment rules; a # that starts a word starts a comment, as in a shell.",
    example: "report = --since yesterday --title 'Nightly run'",
  },
  cron: {
    doc: 'CRON-EXPRESSION = arguments: one more schedule of the job; its firings pass these extra arguments (split as in [trigger]). Quote an expression that holds = (a TZ= prefix).',
    example: '0 2 * * 1-5 = --full',
  },
} as const;

export type JobIniSection = keyof typeof JOB_INI_SECTIONS;

export interface JobIniValue {
  /** The key as written: `log-start`, an [env] name, a [trigger] job, a [cron] expression. */
  key: string;
  value: string;
  line: number;
  /** The file it comes from: job.ini, a proto, or config.ini ([Defaults]). */
  file: string;
  /** The section as messages show it (`env`, `Defaults`); undefined for the main keys of job.ini or a proto. */
  section?: string;
}

export interface JobIni {
  /** The raw text (part of the job's fingerprint). */
  content: string;
  /** Main keys, by canonical name (`log_start`). */
  values: Readonly<Record<string, JobIniValue>>;
  env: JobIniValue[];
  trigger: JobIniValue[];
  cron: JobIniValue[];
  diagnostics: Diagnostic[];
}

/** Where a value is, for messages: `line 3: timeout` in the file reported on, else `/path/to/file:3 [env] X`. */
export function placeOf(value: JobIniValue, reportedFile: string): string {
  const section = value.section ? `[${value.section}] ` : '';
  return value.file === reportedFile
    ? `line ${value.line}: ${section}${value.key}`
    : `${value.file}:${value.line} ${section}${value.key}`;
}

const KNOWN_KEYS = JOB_INI_KEYS.map((spec) => spec.key);
const SECTION_NAMES = Object.keys(JOB_INI_SECTIONS);

/**
 * Reads `file`; undefined when it does not exist. Diagnostics go to `reportAs` (default `file`): a proto's problems
 * are reported on the job that includes it, naming the proto's file and line. Never throws.
 */
export function readJobIni(file: string, opts: { reportAs?: string; isProto?: boolean } = {}): JobIni | undefined {
  const reportAs = opts.reportAs ?? file;
  const read = readSmallText(file);
  if (!read.ok) {
    if (read.gone) return undefined;
    const message = `${reportAs === file ? '' : `${file}: `}cannot be read (${read.error})`;
    return { ...empty(''), diagnostics: [{ severity: 'error', code: 'IO_FAILED', path: reportAs, message }] };
  }
  const result = empty(read.text);
  const parsed = parseIni(read.text, file, { rawValueSections: ['trigger', 'cron'] });
  // ini's own warnings already open with the file and line.
  result.diagnostics.push(...parsed.diagnostics.map((d) => ({ ...d, path: reportAs })));
  const error = (where: string, message: string): void => {
    result.diagnostics.push({
      severity: 'error',
      code: 'JOB_INVALID',
      path: reportAs,
      message: `${where}: ${message}`,
    });
  };
  const values: Record<string, JobIniValue> = {};

  for (const [id, section] of parsed.document.sections) {
    const at = (line: number): string => (reportAs === file ? `line ${line}` : `${file}:${line}`);
    if (id !== '' && !Object.hasOwn(JOB_INI_SECTIONS, id)) {
      const guess = closestName(section.name, SECTION_NAMES);
      const hint = guess ? `did you mean [${guess}]? ` : '';
      const known = SECTION_NAMES.map((s) => `[${s}]`).join(', ');
      error(at(section.line), `unknown section [${section.name}] (${hint}job.ini sections: ${known})`);
      continue;
    }
    if (id === 'env' || id === 'trigger' || id === 'cron') {
      for (const entry of section.entries.values())
        result[id].push({ key: entry.key, value: entry.value, line: entry.line, file, section: id });
      continue;
    }
    for (const entry of section.entries.values()) {
      const value: JobIniValue = { key: entry.key, value: entry.value, line: entry.line, file };
      const spec = findJobIniKey(entry.key);
      const key = canonicalJobKey(entry.key);
      const earlier = values[key];
      if (!spec) {
        const guess = closestName(key, KNOWN_KEYS);
        const hint = guess ? `did you mean '${guess}'? ` : '';
        error(at(entry.line), `unknown key '${entry.key}' (${hint}known keys: ${KNOWN_KEYS.join(', ')})`);
      } else if (opts.isProto && spec.key === 'proto') {
        error(placeOf(value, reportAs), 'a proto cannot include another proto (name them all in the job.ini)');
      } else if (earlier) {
        const message = `set twice (line ${earlier.line} and line ${entry.line}); keep one`;
        error(reportAs === file ? `line ${entry.line}: ${key}` : `${file}:${entry.line} ${key}`, message);
      } else {
        values[key] = value;
      }
    }
  }
  result.values = values;
  return result;
}

function empty(content: string): JobIni {
  return { content, values: {}, env: [], trigger: [], cron: [], diagnostics: [] };
}
