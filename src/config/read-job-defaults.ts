// config.ini [Defaults]: job.ini keys that apply to every job, under its protos and its job.ini. Checked here, at
// config load, with job.ini's own parsers (a wrong value stops start-up); values that need a job folder (`dir`,
// files to watch) are checked again for each job.
import type { Diagnostic } from '../diagnostic.ts';
import { PycronError, type ErrorCode, type ErrorLocation } from '../errors.ts';
import { canonicalJobKey, findJobIniKey, JOB_INI_KEYS } from '../jobs/job-ini-keys.ts';
import type { JobIniValue } from '../jobs/read-job-ini.ts';
import type { JobDefaults } from '../jobs/read-job-options.ts';
import type { UserLookup } from '../jobs/resolve-run-as-user.ts';
import { closestName } from './closest-name.ts';
import type { IniSection } from './read-ini.ts';

/** The config.ini section of job defaults, as the docs spell it. */
export const JOB_DEFAULTS_SECTION = 'Defaults';

const ALLOWED_KEYS = JOB_INI_KEYS.filter((spec) => spec.inDefaults).map((spec) => spec.key);

/** Never throws: a wrong value is an error, an unknown or misplaced key a warning. */
export function readJobDefaults(
  section: IniSection,
  file: string,
  users: UserLookup,
): { defaults: JobDefaults; diagnostics: Diagnostic[] } {
  const defaults: Record<string, JobIniValue> = {};
  const diagnostics: Diagnostic[] = [];
  const problem = (
    severity: Diagnostic['severity'],
    code: ErrorCode,
    details: ConstructorParameters<typeof PycronError>[1],
  ): void => {
    diagnostics.push({ severity, code, path: file, message: new PycronError(code, details).message });
  };

  for (const entry of section.entries.values()) {
    const where: ErrorLocation = { file, line: entry.line, section: section.name, key: entry.key };
    const spec = findJobIniKey(entry.key);
    const key = canonicalJobKey(entry.key);
    if (!spec) {
      const guess = closestName(key, ALLOWED_KEYS);
      const reason =
        `unknown key (known keys in [${section.name}]: ${ALLOWED_KEYS.join(', ')})` +
        (guess ? `; did you mean ${guess}?` : '');
      problem('warning', 'CONFIG_UNKNOWN_KEY', { where, reason });
      continue;
    }
    if (!spec.inDefaults) {
      const reason = `${spec.key} belongs to each job (its job.ini${spec.key === 'schedule' ? ' or schedule file' : ''}); in [${section.name}] it is ignored`;
      problem('warning', 'CONFIG_UNKNOWN_KEY', { where, reason });
      continue;
    }
    const earlier = defaults[key];
    if (earlier) {
      const reason = `ignored, because ${earlier.key} is given too (line ${earlier.line})`;
      problem('warning', 'CONFIG_DUPLICATE_KEY', { where, reason });
      continue;
    }
    const parsed = spec.parse(entry.value, { folder: undefined, users });
    if (!parsed.ok) {
      problem('error', 'CONFIG_BAD_VALUE', { where, expected: parsed.expected, got: entry.value });
      continue;
    }
    defaults[key] = { key: entry.key, value: entry.value, line: entry.line, file, section: section.name };
  }
  return { defaults, diagnostics };
}
