import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadSettings, SYSTEM_CONFIG_FILE, type SettingsFlags } from '../../src/config/load-settings.ts';
import type { Settings } from '../../src/config/settings.ts';
import { SETTING_SECTIONS } from '../../src/config/setting-keys.ts';

let tmp = '';
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pycron-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes `text` as <tmp>/<name>/config.ini and loads it with -c from another folder. */
function load(name: string, text: string, flags: SettingsFlags = {}) {
  const folder = path.join(tmp, name);
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'config.ini');
  fs.writeFileSync(file, text);
  return { file, folder, ...loadSettings({ configPath: file, flags, cwd: tmp, hostTimezone: 'UTC' }) };
}

const DEFAULTS: Settings = {
  configFile: undefined,
  jobsFolder: '/etc/pycron/jobs',
  logsFolder: '/etc/pycron/logs',
  stateFile: '/etc/pycron/persistence.json',
  sleepDurationMs: 1000,
  rescanEveryMs: 15 * 60_000,
  retryDelayMs: 5 * 60_000,
  shutdownGraceMs: 30_000,
  killGraceMs: 10_000,
  captureBytes: 1_048_576,
  statusLogRetentionDays: 30,
  logLevel: 'info',
  logFormat: 'text',
  timezone: 'America/Sao_Paulo',
  controlSocket: '/etc/pycron/pycron.sock',
  httpListen: { host: '127.0.0.1', port: 5152 },
  smtpHost: 'localhost',
  smtpSecure: 'auto',
  redisList: 'hook',
  mqttTopicPrefix: 'pycron/trigger/',
  mqttPublishRuns: false,
  mqttRunsTopicPrefix: 'pycron/runs/',
  clusterLeaseMs: 1500,
  clusterSchema: 'pycron',
  amqpExchange: 'pycron',
  amqpResultsQueue: 'pycron_results',
  ticksEnabled: false,
  ticksExchange: 'hacron',
  ticksCronTime: '* * * * *',
  jobDefaults: {},
};

const PYCRON_SAMPLE = `[Timings]

# sleep duration between checking if a jobs needs to execute
SLEEP_DURATION = 1

# check the jobs folder every x minutes
CHECK_FOR_NEW_JOBS_EVERY = 15

# If a job fails, retry in x minutes
JOB_FAIL_TIMEOUT_PERIOD_MINUTES = 5

[Folders]
# Must be read and write
JOBS_FOLDER_DEFAULT = /etc/pycron/jobs
LOGS_FOLDER_DEFAULT = /etc/pycron/logs
PERSISTENCE_FILE = /etc/pycron/persistance.pickle

[Logging]
LOG_LEVEL = NOTSET
`;

test("PyCron's sample config loads with only the pickle warning, and PyCron's defaults", () => {
  const { file, settings, diagnostics } = load('pycron-sample', PYCRON_SAMPLE);
  assert.deepEqual(diagnostics, [
    {
      severity: 'warning',
      code: 'CONFIG_PICKLE_STATE',
      path: file,
      message: `${file}:16 [Folders] PERSISTENCE_FILE: pycron can't read PyCron's pickle state file; it keeps its JSON state at /etc/pycron/persistance.json instead`,
    },
  ]);
  assert.deepEqual(settings, {
    ...DEFAULTS,
    configFile: file,
    timezone: 'UTC',
    stateFile: '/etc/pycron/persistance.json',
    logLevel: 'debug',
  });
});

test('no config file anywhere: the built-in defaults, in the host zone', () => {
  const result = loadSettings({ flags: {}, cwd: tmp, exists: () => false, hostTimezone: 'America/Sao_Paulo' });
  assert.deepEqual(result, { settings: DEFAULTS, diagnostics: [] });
});

test('both spellings: JOBS_FOLDER wins over JOBS_FOLDER_DEFAULT, with a warning; LOGS_FOLDER_DEFAULT alone works', () => {
  const { file, folder, settings, diagnostics } = load(
    'spellings',
    '[Folders]\nJOBS_FOLDER_DEFAULT = old\nJOBS_FOLDER = new\nLOGS_FOLDER_DEFAULT = /var/log/pycron\n',
  );
  assert.equal(settings.jobsFolder, path.join(folder, 'new'));
  assert.equal(settings.logsFolder, '/var/log/pycron');
  assert.deepEqual(
    diagnostics.map((d) => [d.severity, d.code, d.message]),
    [
      [
        'warning',
        'CONFIG_DUPLICATE_KEY',
        `${file}:2 [Folders] JOBS_FOLDER_DEFAULT: ignored, because JOBS_FOLDER is given too (line 3)`,
      ],
    ],
  );
});

test('fractional minutes and seconds become whole milliseconds', () => {
  const { settings, diagnostics } = load(
    'fractions',
    '[Timings]\nJOB_FAIL_TIMEOUT_PERIOD_MINUTES = 0.05\nCHECK_FOR_NEW_JOBS_EVERY = .5\nSLEEP_DURATION = 0.25\nKILL_GRACE_SECONDS = 0\n',
  );
  assert.deepEqual(diagnostics, []);
  assert.equal(settings.retryDelayMs, 3000);
  assert.equal(settings.rescanEveryMs, 30_000);
  assert.equal(settings.sleepDurationMs, 250);
  assert.equal(settings.killGraceMs, 0);
});

test("relative paths resolve against the config file's folder, not the cwd", () => {
  const { folder, settings } = load(
    'relative/nested',
    '[Folders]\nJOBS_FOLDER = jobs\nLOGS_FOLDER = ../logs\nPERSISTENCE_FILE = ./state/state.json\n',
  );
  assert.equal(settings.jobsFolder, path.join(folder, 'jobs'));
  assert.equal(settings.logsFolder, path.join(tmp, 'relative', 'logs'));
  assert.equal(settings.stateFile, path.join(folder, 'state', 'state.json'));
});

test('a BOM, lower-case sections and keys, and numeric or named log levels are accepted', () => {
  const { settings, diagnostics } = load(
    'bom',
    '\uFEFF[timings]\nsleep_duration = 2\n[Logging]\nLog_Level = warning\n[jobs]\ntimezone = europe/berlin\n',
  );
  assert.deepEqual(diagnostics, []);
  assert.equal(settings.sleepDurationMs, 2000);
  assert.equal(settings.logLevel, 'warn');
  assert.equal(settings.timezone, 'Europe/Berlin');
  const levels = ['0', '10', '15', '20', '30', '40', '50', 'CRITICAL', 'fatal', 'WARN', 'debug'].map(
    (level) => load('levels', `[Logging]\nLOG_LEVEL = ${level}\n`).settings.logLevel,
  );
  assert.deepEqual(levels, [
    'debug',
    'debug',
    'info',
    'info',
    'warn',
    'error',
    'error',
    'error',
    'error',
    'warn',
    'debug',
  ]);
});

test('byte counts take units', () => {
  const bytes = ['1024', '512KiB', '1 MiB', '2MB', '1GiB'].map(
    (value) => load('bytes', `[Logging]\nOUTPUT_CAPTURE_BYTES = ${value}\n`).settings.captureBytes,
  );
  assert.deepEqual(bytes, [1024, 524_288, 1_048_576, 2_000_000, 1024 ** 3]);
});

test("ini's true and null reach the checks as text", () => {
  const { file, diagnostics } = load('true', '[Logging]\nLOG_FORMAT = true\n[Jobs]\nTIMEZONE = null\n');
  assert.deepEqual(
    diagnostics.map((d) => d.message),
    [
      `${file}:2 [Logging] LOG_FORMAT: expected text or json, got 'true'`,
      `${file}:4 [Jobs] TIMEZONE: expected an IANA time zone such as Europe/Berlin or UTC, got 'null'`,
    ],
  );
});

test('an unquoted # is warned about with its line; the cut value is used', () => {
  const { file, settings, diagnostics } = load('hash', '[Jobs]\n\nTIMEZONE = Europe/Berlin#Paris\n');
  assert.equal(settings.timezone, 'Europe/Berlin');
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.message]),
    [
      [
        'CONFIG_INI_COMMENT',
        `${file}:3 [Jobs] TIMEZONE: the value holds an unquoted '#', which ini reads as a comment; quote the value ("...") to keep it`,
      ],
    ],
  );
});

test('every wrong value is an error naming file, line, section, key, what was expected and what was found', () => {
  const { file, settings, diagnostics } = load(
    'bad',
    [
      '[Timings]',
      'SLEEP_DURATION = ten',
      'CHECK_FOR_NEW_JOBS_EVERY = 0',
      'JOB_FAIL_TIMEOUT_PERIOD_MINUTES = -1',
      'SHUTDOWN_GRACE_SECONDS = 5m',
      'KILL_GRACE_SECONDS = 1e3',
      '[Folders]',
      'JOBS_FOLDER =',
      '[Logging]',
      'LOG_LEVEL = loud',
      'LOG_FORMAT = xml',
      'OUTPUT_CAPTURE_BYTES = 12',
      'STATUS_LOG_RETENTION_DAYS = 1.5',
      '[Jobs]',
      'TIMEZONE = Mars/Olympus',
      '',
    ].join('\n'),
  );
  assert.ok(diagnostics.every((d) => d.severity === 'error' && d.code === 'CONFIG_BAD_VALUE' && d.path === file));
  assert.deepEqual(
    diagnostics.map((d) => d.message),
    [
      `${file}:2 [Timings] SLEEP_DURATION: expected a number of seconds greater than 0 and at most 2000000 seconds, got 'ten'`,
      `${file}:3 [Timings] CHECK_FOR_NEW_JOBS_EVERY: expected a number of minutes greater than 0 and at most 34000 minutes, got '0'`,
      `${file}:4 [Timings] JOB_FAIL_TIMEOUT_PERIOD_MINUTES: expected a number of minutes of 0 or more and at most 34000 minutes, got '-1'`,
      `${file}:5 [Timings] SHUTDOWN_GRACE_SECONDS: expected a number of seconds of 0 or more and at most 2000000 seconds, got '5m'`,
      `${file}:6 [Timings] KILL_GRACE_SECONDS: expected a number of seconds of 0 or more and at most 2000000 seconds, got '1e3'`,
      `${file}:8 [Folders] JOBS_FOLDER: expected a path, got ''`,
      `${file}:10 [Logging] LOG_LEVEL: expected a log level (NOTSET, DEBUG, INFO, WARNING, ERROR, CRITICAL, or a number from 0 to 50), got 'loud'`,
      `${file}:11 [Logging] LOG_FORMAT: expected text or json, got 'xml'`,
      `${file}:12 [Logging] OUTPUT_CAPTURE_BYTES: expected a number of bytes from 1024 to 1073741824 (or with a unit: 512KiB, 1MiB), got '12'`,
      `${file}:13 [Logging] STATUS_LOG_RETENTION_DAYS: expected a whole number of days of 1 or more, got '1.5'`,
      `${file}:15 [Jobs] TIMEZONE: expected an IANA time zone such as Europe/Berlin or UTC, got 'Mars/Olympus'`,
    ],
  );
  // A wrong value leaves the default in place (start-up stops anyway, but `validate` shows the rest).
  assert.deepEqual(settings, { ...DEFAULTS, configFile: file, timezone: 'UTC' });
});

test('unknown keys and sections are warnings, with a suggestion when a known name is close', () => {
  const { file, settings, diagnostics } = load(
    'unknown',
    [
      'SLEEP_DURATION = 3',
      'COLOR = red',
      '[Timings]',
      'SLEEP_DURATON = 2',
      'NAPS = 1',
      '[Loging]',
      'LOG_LEVEL = DEBUG',
      '[Swarm]',
      'PEERS = 1',
    ].join('\n'),
  );
  assert.ok(diagnostics.every((d) => d.severity === 'warning' && d.code === 'CONFIG_UNKNOWN_KEY'));
  const sections = [...SETTING_SECTIONS, 'Defaults'];
  const known =
    'SLEEP_DURATION, CHECK_FOR_NEW_JOBS_EVERY, JOB_FAIL_TIMEOUT_PERIOD_MINUTES, SHUTDOWN_GRACE_SECONDS, KILL_GRACE_SECONDS';
  assert.deepEqual(
    diagnostics.map((d) => d.message),
    [
      `${file}:1 SLEEP_DURATION: this key belongs in [Timings]; outside any section it is ignored`,
      `${file}:2 COLOR: unknown key outside any section (sections: ${sections.map((s) => `[${s}]`).join(', ')})`,
      `${file}:4 [Timings] SLEEP_DURATON: unknown key (known keys in [Timings]: ${known}); did you mean SLEEP_DURATION?`,
      `${file}:5 [Timings] NAPS: unknown key (known keys in [Timings]: ${known})`,
      `${file}:6 [Loging]: unknown section, its keys are ignored (known sections: ${sections.join(', ')}); did you mean [Logging]?`,
      `${file}:8 [Swarm]: unknown section, its keys are ignored (known sections: ${sections.join(', ')})`,
    ],
  );
  assert.equal(settings.sleepDurationMs, 1000);
  assert.equal(settings.logLevel, 'info');
});

test('lookup without -c: ./config.ini first, then /etc/pycron/config.ini, then the defaults', () => {
  const cwd = '/home/me/work';
  const files: Record<string, string> = {
    [path.join(cwd, 'config.ini')]: '[Folders]\nJOBS_FOLDER = here\n',
    [SYSTEM_CONFIG_FILE]: '[Folders]\nJOBS_FOLDER = there\n',
  };
  const readText = (file: string) => files[file] ?? assert.fail(`read ${file}`);
  const withFiles = (present: string[]) =>
    loadSettings({ flags: {}, cwd, hostTimezone: 'UTC', readText, exists: (file) => present.includes(file) }).settings;

  const both = withFiles(Object.keys(files));
  assert.deepEqual([both.configFile, both.jobsFolder], [path.join(cwd, 'config.ini'), path.join(cwd, 'here')]);
  const system = withFiles([SYSTEM_CONFIG_FILE]);
  assert.deepEqual([system.configFile, system.jobsFolder], [SYSTEM_CONFIG_FILE, '/etc/pycron/there']);
  const none = withFiles([]);
  assert.deepEqual([none.configFile, none.jobsFolder], [undefined, '/etc/pycron/jobs']);
});

test('flags override config.ini; flag paths resolve against the cwd', () => {
  const { settings, diagnostics } = load(
    'flags',
    '[Folders]\nJOBS_FOLDER = jobs\nLOGS_FOLDER = logs\n[Logging]\nLOG_LEVEL = ERROR\nLOG_FORMAT = text\n',
    { target: 'other-jobs', logFolder: '/var/log/x', persistenceFile: 's.json', logFormat: 'json', logLevel: 'debug' },
  );
  assert.deepEqual(diagnostics, []);
  assert.equal(settings.jobsFolder, path.join(tmp, 'other-jobs'));
  assert.equal(settings.logsFolder, '/var/log/x');
  assert.equal(settings.stateFile, path.join(tmp, 's.json'));
  assert.equal(settings.logFormat, 'json');
  assert.equal(settings.logLevel, 'debug');
});

test('flag values are checked too', () => {
  const flags = {
    target: '',
    logLevel: 'loud',
    logFormat: 'xml' as 'json',
    persistenceFile: '/old/persistance.pickle',
  };
  const { settings, diagnostics } = loadSettings({ flags, cwd: tmp, exists: () => false, hostTimezone: 'UTC' });
  assert.deepEqual(
    diagnostics.map((d) => [d.severity, d.code, d.path, d.message]),
    [
      ['error', 'USAGE', 'command line', `--target: expected a path, got ''`],
      [
        'warning',
        'CONFIG_PICKLE_STATE',
        'command line',
        `--persistence-file: pycron can't read PyCron's pickle state file; it keeps its JSON state at /old/persistance.json instead`,
      ],
      ['error', 'USAGE', 'command line', `--log-format: expected text or json, got 'xml'`],
      [
        'error',
        'USAGE',
        'command line',
        `--log-level: expected a log level (NOTSET, DEBUG, INFO, WARNING, ERROR, CRITICAL, or a number from 0 to 50), got 'loud'`,
      ],
    ],
  );
  assert.equal(settings.stateFile, '/old/persistance.json');
});

test('a -c file that does not exist is an error naming it; nothing else is read', () => {
  const missing = path.join(tmp, 'nope', 'config.ini');
  const result = loadSettings({ configPath: 'nope/config.ini', flags: {}, cwd: tmp, hostTimezone: 'UTC' });
  assert.deepEqual(result.diagnostics, [
    {
      severity: 'error',
      code: 'CONFIG_NOT_FOUND',
      path: missing,
      message: `${missing}: the config file given with -c does not exist`,
    },
  ]);
  assert.deepEqual(result.settings, { ...DEFAULTS, timezone: 'UTC' });
});

test('durations a timer cannot hold are refused, not turned into 1 ms', () => {
  const { diagnostics } = load('huge', ['[Timings]', 'CHECK_FOR_NEW_JOBS_EVERY = 40000', ''].join('\n'));
  assert.deepEqual(
    diagnostics.map((d) => d.message.replace(/^.*\] /, '')),
    ["CHECK_FOR_NEW_JOBS_EVERY: expected a number of minutes greater than 0 and at most 34000 minutes, got '40000'"],
  );
});
