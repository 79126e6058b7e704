// Resolves a job's options from three layers, lowest first: config.ini [Defaults], the protos its job.ini names
// (`proto = a, b`: JOBS/_protos/a.ini then b.ini), and its job.ini. The top layer that sets a key wins; [env],
// [trigger] and [cron] merge key by key, the top layer winning per key. Each value that applies is checked, and a bad
// one is an error naming the file and line it comes from.
import path from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import type { ErrorCode } from '../errors.ts';
import { findJobIniKey, type JobIniFields, type JobValueContext } from './job-ini-keys.ts';
import { PROTOS_FOLDER } from './job-file-names.ts';
import { defaultJobOptions, PROC_DEFAULT_IDLE_MS, type ChainTarget, type JobOptions } from './job-options.ts';
import { isPlausibleJobName, JOB_NAME_EXPECTED } from './plausible-job-name.ts';
import { placeOf, readJobIni, type JobIni, type JobIniValue } from './read-job-ini.ts';
import type { UserLookup } from './resolve-run-as-user.ts';
import { splitWords } from './split-words.ts';

/** config.ini [Defaults], checked at config load: main job.ini keys by canonical name, with where each was set. */
export type JobDefaults = Readonly<Record<string, JobIniValue>>;

export interface JobOptionsInput {
  jobsFolder: string;
  /** The job's folder (absolute). */
  folder: string;
  name: string;
  /** The job's job.ini as read; undefined when it has none (PyCron-layout jobs, folders without one). */
  jobIni: JobIni | undefined;
  /** Where the job's diagnostics go: its job.ini, or its folder when it has none. */
  reportAs: string;
  defaults: JobDefaults;
  /** config.ini [Jobs] TIMEZONE. */
  defaultTimezone: string;
  users: UserLookup;
}

export interface ScheduleEntry {
  /** The expression (`key`) and where it was written. */
  entry: JobIniValue;
  /** Extra arguments of its firings. */
  args: string[];
}

export interface ResolvedJobIni {
  options: JobOptions;
  timezone: string;
  timeoutMs: number | undefined;
  enabled: boolean;
  /** The schedule and command that apply (job.ini's, else a proto's); read by job-folder.ts. */
  schedule: JobIniValue | undefined;
  command: JobIniValue | undefined;
  /** [cron] entries that apply, in file order. */
  cron: ScheduleEntry[];
  /** The texts of the protos included, for the fingerprint. */
  protoContents: string[];
  diagnostics: Diagnostic[];
}

type Layer = Pick<JobIni, 'values' | 'env' | 'trigger' | 'cron'>;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_ENV_PREFIX = 'PYCRON_';

/** Never throws; the options are complete even when there are errors (the caller drops the job then). */
export function readJobOptions(input: JobOptionsInput): ResolvedJobIni {
  const { reportAs } = input;
  const diagnostics: Diagnostic[] = [...(input.jobIni?.diagnostics ?? [])];
  const fail = (value: JobIniValue, message: string, code: ErrorCode = 'JOB_INVALID'): void => {
    diagnostics.push({ severity: 'error', code, path: reportAs, message: `${placeOf(value, reportAs)}: ${message}` });
  };
  const context: JobValueContext = { folder: input.folder, users: input.users };

  const layers: Layer[] = [{ values: input.defaults, env: [], trigger: [], cron: [] }];
  const protoContents: string[] = [];
  const protoValue = input.jobIni?.values.proto;
  const protoSpec = findJobIniKey('proto');
  if (protoValue && protoSpec) {
    const parsed = protoSpec.parse(protoValue.value, context);
    if (!parsed.ok) fail(protoValue, `expected ${parsed.expected}, got '${protoValue.value}'`);
    for (const name of parsed.ok ? (parsed.value.protos ?? []) : []) {
      const file = path.join(input.jobsFolder, PROTOS_FOLDER, `${name}.ini`);
      const proto = readJobIni(file, { reportAs, isProto: true });
      if (!proto) {
        fail(protoValue, `no proto named '${name}' (expected the file ${file})`);
        continue;
      }
      diagnostics.push(...proto.diagnostics);
      protoContents.push(proto.content);
      layers.push(proto);
    }
  }
  if (input.jobIni) layers.push(input.jobIni);

  const effective = new Map<string, JobIniValue>();
  for (const layer of layers) for (const [key, value] of Object.entries(layer.values)) effective.set(key, value);

  const fields: JobIniFields = {
    ...defaultJobOptions(input.folder, input.name),
    timeoutMs: undefined,
    timezone: input.defaultTimezone,
    enabled: true,
    protos: [],
  };
  for (const [key, value] of effective) {
    const spec = findJobIniKey(key);
    if (!spec || key === 'proto') continue;
    const parsed = spec.parse(value.value, context);
    if (parsed.ok) Object.assign(fields, parsed.value);
    else fail(value, `expected ${parsed.expected}, got '${value.value}'`);
  }

  // Rules between keys.
  if (fields.type === 'proc') {
    if (!effective.has('idle')) fields.idleMs = PROC_DEFAULT_IDLE_MS;
    for (const key of ['period', 'pause'] as const) {
      const value = effective.get(key);
      if (value) fail(value, 'only for type = job: a proc runs all the time and is restarted idle after it exits');
    }
  } else {
    for (const key of ['restart_on_change', 'hup_on_change'] as const) {
      const value = effective.get(key);
      if (value && value.value.trim() !== '') fail(value, `only for type = proc (this job is type = ${fields.type})`);
    }
  }

  const env: Record<string, string> = {};
  for (const value of mergeByKey(layers.map((l) => l.env))) {
    if (!ENV_NAME.test(value.key))
      fail(
        value,
        `expected an environment variable name (letters, digits and _, not starting with a digit), got '${value.key}'`,
      );
    else if (value.key.startsWith(RESERVED_ENV_PREFIX))
      fail(value, `${RESERVED_ENV_PREFIX}* names are pycron's own (PYCRON_JOB, PYCRON_RUN_ID...): choose another name`);
    else env[value.key] = value.value;
  }

  const triggers = new Map<string, ChainTarget>(fields.triggers.map((target) => [target.job, target]));
  for (const value of mergeByKey(layers.map((l) => l.trigger))) {
    const args = wordsOf(value, fail);
    if (!isPlausibleJobName(value.key)) fail(value, `expected ${JOB_NAME_EXPECTED}, got '${value.key}'`);
    else if (args) triggers.set(value.key, { job: value.key, args });
  }

  const cron: ScheduleEntry[] = [];
  for (const value of mergeByKey(
    layers.map((l) => l.cron),
    (key) => key.trim(),
  )) {
    if (/^(CRON_)?TZ$/i.test(value.key.trim())) {
      fail(
        value,
        `a TZ= prefix ends the key at its '=': quote the expression ("TZ=Zone 0 2 * * *" = ...) or set timezone =`,
        'SCHEDULE_INVALID',
      );
      continue;
    }
    const args = wordsOf(value, fail);
    if (args) cron.push({ entry: value, args });
  }

  const { timeoutMs, timezone, enabled, protos: _protos, ...options } = fields;
  return {
    options: { ...options, env, triggers: [...triggers.values()] },
    timezone,
    timeoutMs,
    enabled,
    schedule: effective.get('schedule'),
    command: effective.get('command'),
    cron,
    protoContents,
    diagnostics,
  };
}

/** Section entries of every layer, the top layer winning per key; in order of first appearance. */
function mergeByKey(lists: JobIniValue[][], keyOf: (key: string) => string = (key) => key): JobIniValue[] {
  const merged = new Map<string, JobIniValue>();
  for (const list of lists) for (const value of list) merged.set(keyOf(value.key), value);
  return [...merged.values()];
}

function wordsOf(value: JobIniValue, fail: (value: JobIniValue, message: string) => void): string[] | undefined {
  const split = splitWords(value.value);
  if (split.ok) return split.words;
  fail(value, `expected arguments split as a shell does (${split.error}), got '${value.value}'`);
  return undefined;
}
