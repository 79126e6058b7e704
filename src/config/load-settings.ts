// Builds the Settings the service runs with: built-in defaults < config.ini < flags. Every problem is collected as
// a diagnostic (a wrong value is an error, an unknown key a warning); nothing here throws for bad input.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import { PycronError, type ErrorCode, type ErrorLocation } from '../errors.ts';
import { defaultControlSocket, socketPathProblem } from '../control/socket-path.ts';
import { closestName } from './closest-name.ts';
import { findJobIniKey } from '../jobs/job-ini-keys.ts';
import { systemUserLookup, type UserLookup } from '../jobs/resolve-run-as-user.ts';
import { readIni, type IniDocument, type IniEntry } from './read-ini.ts';
import { JOB_DEFAULTS_SECTION, readJobDefaults } from './read-job-defaults.ts';
import { SETTING_KEYS, SETTING_SECTIONS, type SettingKey, type SettingOutcome } from './setting-keys.ts';
import type { Settings } from './settings.ts';

export interface SettingsFlags {
  target?: string;
  logFolder?: string;
  persistenceFile?: string;
  logFormat?: 'text' | 'json';
  logLevel?: string;
}

export interface LoadSettingsOptions {
  /** The -c value; without it ./config.ini, then /etc/pycron/config.ini, then built-in defaults. */
  configPath?: string;
  flags: SettingsFlags;
  cwd: string;
  exists?: (file: string) => boolean;
  readText?: (file: string) => string;
  /** Default for [Jobs] TIMEZONE; the process's zone when not given. */
  hostTimezone?: string;
  /** Checks [Defaults] `user =`; the real system when not given. */
  users?: UserLookup;
}

/** Where pycron looks for its config after ./config.ini when no -c is given. */
export const SYSTEM_CONFIG_FILE = '/etc/pycron/config.ini';

/** Each flag and the config key it overrides; flag paths resolve against the cwd. */
const FLAG_KEYS: readonly { flag: keyof SettingsFlags; name: string; key: string }[] = [
  { flag: 'target', name: '--target', key: 'JOBS_FOLDER' },
  { flag: 'logFolder', name: '--log-folder', key: 'LOGS_FOLDER' },
  { flag: 'persistenceFile', name: '--persistence-file', key: 'PERSISTENCE_FILE' },
  { flag: 'logFormat', name: '--log-format', key: 'LOG_FORMAT' },
  { flag: 'logLevel', name: '--log-level', key: 'LOG_LEVEL' },
];

export function loadSettings(options: LoadSettingsOptions): { settings: Settings; diagnostics: Diagnostic[] } {
  const cwd = path.resolve(options.cwd);
  const exists = options.exists ?? existsSync;
  const diagnostics: Diagnostic[] = [];
  const settings = builtInDefaults(options.hostTimezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);

  let configFile: string | undefined;
  if (options.configPath !== undefined) {
    const file = path.resolve(cwd, options.configPath);
    if (exists(file)) configFile = file;
    else
      diagnostics.push(
        problem('error', 'CONFIG_NOT_FOUND', file, {
          where: { file },
          reason: 'the config file given with -c does not exist',
        }),
      );
  } else {
    configFile = [path.join(cwd, 'config.ini'), SYSTEM_CONFIG_FILE].find((file) => exists(file));
  }

  if (configFile !== undefined) {
    settings.configFile = configFile;
    const { document, diagnostics: read } = readIni(configFile, {
      readText: options.readText,
      unreadableCode: 'CONFIG_NOT_FOUND',
    });
    diagnostics.push(...read);
    applyDocument(document, settings, diagnostics, options.users ?? systemUserLookup);
  }

  for (const { flag, name, key } of FLAG_KEYS) {
    const raw = options.flags[flag];
    const spec = SETTING_KEYS.find((k) => k.key === key);
    if (raw === undefined || !spec) continue;
    applyOutcome(spec.parse(raw, { baseDir: cwd }), raw, settings, diagnostics, 'command line', { key: name }, 'USAGE');
  }
  resolveControlSocket(settings, diagnostics);
  return { settings, diagnostics };
}

/**
 * [Control] SOCKET defaults to pycron.sock beside the state file, whichever layer chose that file. A default too
 * long to bind turns the socket off with a warning rather than stopping a service that never asked for a socket.
 */
function resolveControlSocket(settings: Settings, diagnostics: Diagnostic[]): void {
  if ((settings as Partial<Settings>).controlSocket !== undefined) return;
  const socket = defaultControlSocket(settings.stateFile);
  const tooLong = socketPathProblem(socket);
  settings.controlSocket = tooLong ? null : socket;
  if (tooLong) {
    const where = settings.configFile ?? 'built-in defaults';
    const reason = `${tooLong}, so the control socket is off (pycron trigger cannot reach this service); set [Control] SOCKET to a shorter path`;
    diagnostics.push(
      problem('warning', 'CONFIG_BAD_VALUE', where, {
        where: { file: settings.configFile, section: 'Control', key: 'SOCKET' },
        reason,
      }),
    );
  }
}

function builtInDefaults(hostTimezone: string): Settings {
  const defaults: Partial<Settings> = { configFile: undefined, timezone: hostTimezone, jobDefaults: {} };
  for (const spec of SETTING_KEYS) {
    if (spec.default === undefined) continue;
    const outcome = spec.parse(spec.default, { baseDir: '/' });
    if (!outcome.ok) throw new PycronError('INTERNAL', { reason: `the built-in default of ${spec.key} is invalid` });
    Object.assign(defaults, outcome.set);
  }
  return defaults as Settings;
}

/** Sections in the order the docs list them. */
const KNOWN_SECTIONS: readonly string[] = [...SETTING_SECTIONS, JOB_DEFAULTS_SECTION];

/** Applies the known keys of a parsed config.ini; warns about unknown sections and keys. */
function applyDocument(document: IniDocument, settings: Settings, diagnostics: Diagnostic[], users: UserLookup): void {
  const file = document.file;
  const chosen = new Map<SettingKey, IniEntry>();

  for (const [sectionId, section] of document.sections) {
    const specs = SETTING_KEYS.filter((k) => k.section.toLowerCase() === sectionId);
    const at = (entry: IniEntry): ErrorLocation => ({
      file,
      line: entry.line,
      section: section.name || undefined,
      key: entry.key,
    });

    if (sectionId === JOB_DEFAULTS_SECTION.toLowerCase()) {
      const read = readJobDefaults(section, file, users);
      settings.jobDefaults = read.defaults;
      diagnostics.push(...read.diagnostics);
      continue;
    }
    if (sectionId === '') {
      for (const entry of section.entries.values()) {
        const home =
          SETTING_KEYS.find((k) => names(k).some((n) => n.toLowerCase() === entry.key.toLowerCase()))?.section ??
          (findJobIniKey(entry.key)?.inDefaults ? JOB_DEFAULTS_SECTION : undefined);
        const reason = home
          ? `this key belongs in [${home}]; outside any section it is ignored`
          : `unknown key outside any section (sections: ${KNOWN_SECTIONS.map((s) => `[${s}]`).join(', ')})`;
        diagnostics.push(problem('warning', 'CONFIG_UNKNOWN_KEY', file, { where: at(entry), reason }));
      }
      continue;
    }
    if (specs.length === 0) {
      const guess = closestName(section.name, KNOWN_SECTIONS);
      const reason =
        `unknown section, its keys are ignored (known sections: ${KNOWN_SECTIONS.join(', ')})` +
        (guess ? `; did you mean [${guess}]?` : '');
      diagnostics.push(
        problem('warning', 'CONFIG_UNKNOWN_KEY', file, {
          where: { file, line: section.line, section: section.name },
          reason,
        }),
      );
      continue;
    }

    for (const entry of section.entries.values()) {
      const spec = specs.find((k) => names(k).some((n) => n.toLowerCase() === entry.key.toLowerCase()));
      if (!spec) {
        const guess = closestName(entry.key, specs.flatMap(names));
        const reason =
          `unknown key (known keys in [${specs[0]?.section}]: ${specs.map((k) => k.key).join(', ')})` +
          (guess ? `; did you mean ${guess}?` : '');
        diagnostics.push(problem('warning', 'CONFIG_UNKNOWN_KEY', file, { where: at(entry), reason }));
        continue;
      }
      const earlier = chosen.get(spec);
      if (earlier) {
        // Both spellings given (JOBS_FOLDER and JOBS_FOLDER_DEFAULT): the primary key wins.
        const [kept, ignored] =
          entry.key.toLowerCase() === spec.key.toLowerCase() ? [entry, earlier] : [earlier, entry];
        chosen.set(spec, kept);
        diagnostics.push(
          problem('warning', 'CONFIG_DUPLICATE_KEY', file, {
            where: at(ignored),
            reason: `ignored, because ${kept.key} is given too (line ${kept.line})`,
          }),
        );
        continue;
      }
      chosen.set(spec, entry);
    }
    for (const [spec, entry] of chosen) {
      if (spec.section.toLowerCase() !== sectionId) continue;
      const outcome = spec.parse(entry.value, { baseDir: path.dirname(file) });
      applyOutcome(outcome, entry.value, settings, diagnostics, file, at(entry), 'CONFIG_BAD_VALUE');
    }
  }
}

function applyOutcome(
  outcome: SettingOutcome,
  raw: string,
  settings: Settings,
  diagnostics: Diagnostic[],
  path: string,
  where: ErrorLocation,
  badValueCode: ErrorCode,
): void {
  if (!outcome.ok) {
    diagnostics.push(problem('error', badValueCode, path, { where, expected: outcome.expected, got: raw }));
    return;
  }
  Object.assign(settings, outcome.set);
  if (outcome.warning)
    diagnostics.push(problem('warning', outcome.warning.code, path, { where, reason: outcome.warning.reason }));
}

function names(spec: SettingKey): string[] {
  return [spec.key, ...spec.aliases];
}

function problem(
  severity: Diagnostic['severity'],
  code: ErrorCode,
  path: string,
  details: ConstructorParameters<typeof PycronError>[1],
): Diagnostic {
  return { severity, code, path, message: new PycronError(code, details).message };
}
