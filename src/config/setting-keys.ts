// Every config.ini key pycron knows: its section, spellings, default, meaning and parser, in one table.
// Adding a key (or a section) is one row here plus its Settings field; docs and config.example.ini are tested against it.
import type { ErrorCode } from '../errors.ts';
import type { Settings } from './settings.ts';
import {
  byteCount,
  durationMs,
  parseLogFormat,
  parseLogLevel,
  parsePath,
  parseSocketPath,
  parseTimezone,
  wholeNumber,
  type ParseContext,
  type Parsed,
} from './setting-values.ts';
import { parseHttpListen, parseHttpToken } from '../http/parse-http-listen.ts';
import { flag } from '../jobs/job-value-kinds.ts';
import {
  nonBlank,
  parseMailAddress,
  parseSmtpHost,
  parseSmtpPort,
  parseSmtpSecurity,
} from '../notify/notify-values.ts';
import {
  parseInstanceName,
  parseMqttUrl,
  parseRedisKey,
  parseRedisUrl,
  parseTopicPrefix,
  parseUserName,
} from '../triggers/trigger-setting-values.ts';

export type SettingOutcome =
  { ok: true; set: Partial<Settings>; warning?: { code: ErrorCode; reason: string } } | { ok: false; expected: string };

export interface SettingKey {
  section: string;
  key: string;
  /** Other accepted spellings (PyCron's JOBS_FOLDER_DEFAULT); `key` wins when both are given. */
  aliases: readonly string[];
  /** The built-in default as it would be written in config.ini; undefined when computed (TIMEZONE). */
  default: string | undefined;
  /** The default as the docs show it. */
  defaultText: string;
  example: string;
  /** One sentence for the docs table. */
  doc: string;
  parse(raw: string, context: ParseContext): SettingOutcome;
}

/** Sets one Settings field from a value parser. */
function into<F extends keyof Settings>(field: F, parser: (raw: string, context: ParseContext) => Parsed<Settings[F]>) {
  return (raw: string, context: ParseContext): SettingOutcome => {
    const parsed = parser(raw, context);
    if (!parsed.ok) return parsed;
    const set: Partial<Settings> = {};
    set[field] = parsed.value;
    return { ok: true, set };
  };
}

/** PyCron keeps its state in a pickle file we cannot read: keep our JSON state beside it instead. */
function parseStateFile(raw: string, context: ParseContext): SettingOutcome {
  const parsed = parsePath(raw, context);
  if (!parsed.ok) return parsed;
  if (!/\.pickle$/i.test(parsed.value)) return { ok: true, set: { stateFile: parsed.value } };
  const stateFile = parsed.value.replace(/\.pickle$/i, '.json');
  const reason = `pycron can't read PyCron's pickle state file; it keeps its JSON state at ${stateFile} instead`;
  return { ok: true, set: { stateFile }, warning: { code: 'CONFIG_PICKLE_STATE', reason } };
}

function row(
  fields: Omit<SettingKey, 'aliases' | 'defaultText'> & { aliases?: readonly string[]; defaultText?: string },
): SettingKey {
  return { aliases: [], defaultText: fields.default ?? '', ...fields };
}

export const SETTING_KEYS: readonly SettingKey[] = [
  row({
    section: 'Timings',
    key: 'SLEEP_DURATION',
    default: '1',
    example: '1',
    doc: 'Seconds PyCron slept between checks. Accepted for compatibility (a number > 0) but unused: pycron sleeps until the next due run.',
    parse: into('sleepDurationMs', durationMs('seconds', 'above0')),
  }),
  row({
    section: 'Timings',
    key: 'CHECK_FOR_NEW_JOBS_EVERY',
    default: '15',
    example: '0.5',
    doc: 'Minutes between full rescans of the jobs folder (fractions allowed). Changes are seen within a second anyway; the rescan is the safety net where file events are not delivered.',
    parse: into('rescanEveryMs', durationMs('minutes', 'above0')),
  }),
  row({
    section: 'Timings',
    key: 'JOB_FAIL_TIMEOUT_PERIOD_MINUTES',
    default: '5',
    example: '0.05',
    doc: 'Minutes to wait before re-running a failed run (fractions allowed: 0.05 is 3 seconds; 0 retries at once). Never later than the next regular slot.',
    parse: into('retryDelayMs', durationMs('minutes', 'atLeast0')),
  }),
  row({
    section: 'Timings',
    key: 'SHUTDOWN_GRACE_SECONDS',
    default: '30',
    example: '60',
    doc: 'Seconds running jobs may take to finish after SIGTERM/SIGINT before they are stopped.',
    parse: into('shutdownGraceMs', durationMs('seconds', 'atLeast0')),
  }),
  row({
    section: 'Timings',
    key: 'KILL_GRACE_SECONDS',
    default: '10',
    example: '5',
    doc: "Seconds between SIGTERM and SIGKILL when a run's process group is stopped (timeout, shutdown).",
    parse: into('killGraceMs', durationMs('seconds', 'atLeast0')),
  }),
  row({
    section: 'Folders',
    key: 'JOBS_FOLDER',
    aliases: ['JOBS_FOLDER_DEFAULT'],
    default: '/etc/pycron/jobs',
    example: 'jobs',
    doc: "The jobs folder (created if missing). PyCron's spelling JOBS_FOLDER_DEFAULT is accepted. Flag: -t/--target.",
    parse: into('jobsFolder', parsePath),
  }),
  row({
    section: 'Folders',
    key: 'LOGS_FOLDER',
    aliases: ['LOGS_FOLDER_DEFAULT'],
    default: '/etc/pycron/logs',
    example: 'logs',
    doc: "Where job_status.log and its daily files go (created if missing). PyCron's spelling LOGS_FOLDER_DEFAULT is accepted. Flag: -l/--log-folder.",
    parse: into('logsFolder', parsePath),
  }),
  row({
    section: 'Folders',
    key: 'PERSISTENCE_FILE',
    default: '/etc/pycron/persistence.json',
    example: 'state.json',
    doc: 'The JSON state file (next runs, failures, runs in flight). A PyCron name ending in .pickle is read as the .json file beside it, with a warning. Flag: -p/--persistence-file.',
    parse: parseStateFile,
  }),
  row({
    section: 'Logging',
    key: 'LOG_LEVEL',
    default: 'INFO',
    example: 'DEBUG',
    doc: 'Service log level: a Python level name (NOTSET and DEBUG show everything; INFO, WARNING, ERROR, CRITICAL) or number (0-50). Flag: --log-level.',
    parse: into('logLevel', parseLogLevel),
  }),
  row({
    section: 'Logging',
    key: 'LOG_FORMAT',
    default: 'text',
    example: 'json',
    doc: 'Service log on stderr: text (for people) or json (one object per line). Flag: --log-format.',
    parse: into('logFormat', parseLogFormat),
  }),
  row({
    section: 'Logging',
    key: 'OUTPUT_CAPTURE_BYTES',
    default: '1048576',
    example: '256KiB',
    doc: 'Bytes of stdout, and of stderr, kept per run (head and tail; the record says when output was cut). 1024 to 1 GiB; units KiB, MiB, GiB allowed.',
    parse: into('captureBytes', byteCount(1024, 1024 ** 3)),
  }),
  row({
    section: 'Logging',
    key: 'STATUS_LOG_RETENTION_DAYS',
    default: '30',
    example: '90',
    doc: 'Daily job_status.log files kept (a whole number, 1 or more).',
    parse: into('statusLogRetentionDays', wholeNumber('days', 1)),
  }),
  row({
    section: 'Jobs',
    key: 'TIMEZONE',
    default: undefined,
    defaultText: "the host's time zone",
    example: 'Europe/Berlin',
    doc: "IANA time zone for schedules that name none (a TZ= prefix or a job's timezone option overrides it).",
    parse: into('timezone', parseTimezone),
  }),
  row({
    section: 'Control',
    key: 'SOCKET',
    default: undefined,
    defaultText: 'pycron.sock in the folder of the state file',
    example: '/run/pycron/pycron.sock',
    doc: 'The control socket that pycron trigger talks to: a Unix socket with mode 0600, so only the user the service runs as (and root) can use it. Empty: no socket. See docs/control-socket.md.',
    parse: into('controlSocket', parseSocketPath),
  }),
  row({
    section: 'HTTP',
    key: 'LISTEN',
    default: '127.0.0.1:5152',
    example: '127.0.0.1:5152',
    doc: "Where the HTTP API (docs/api.md) listens: HOST:PORT, [IPV6]:PORT or a port alone (on 127.0.0.1). 5152 is hoocron's port. off or empty: no HTTP server.",
    parse: into('httpListen', parseHttpListen),
  }),
  row({
    section: 'HTTP',
    key: 'TOKEN',
    default: undefined,
    defaultText: 'none: requests that change state are refused',
    example: '3f9c2a7e51d04b8c9e6f1a2b',
    doc: 'The token HTTP requests that change state (triggers, run, pause, resume) must send as Authorization: Bearer TOKEN; at least 16 characters.',
    parse: into('httpToken', parseHttpToken),
  }),
  row({
    section: 'HTTP',
    key: 'TOKEN_FILE',
    default: undefined,
    defaultText: 'none',
    example: '/etc/pycron/http-token',
    doc: 'A file holding the token instead (read when the service starts; keep it mode 0600). Give TOKEN or TOKEN_FILE, not both.',
    parse: into('httpTokenFile', parsePath),
  }),
  row({
    section: 'Mail',
    key: 'SMTP_HOST',
    default: 'localhost',
    example: 'smtp.example.org',
    doc: 'The SMTP server that job notifications (mail_to in job.ini, see docs/notifications.md) are sent through.',
    parse: into('smtpHost', parseSmtpHost),
  }),
  row({
    section: 'Mail',
    key: 'SMTP_PORT',
    default: undefined,
    defaultText: '25, or 465 with SMTP_SECURE = tls',
    example: '587',
    doc: "The SMTP server's port (1 to 65535).",
    parse: into('smtpPort', parseSmtpPort),
  }),
  row({
    section: 'Mail',
    key: 'SMTP_SECURE',
    default: 'auto',
    example: 'starttls',
    doc: '`auto`: TLS from the start on port 465, else STARTTLS when the server offers it; `tls`: TLS from the start; `starttls`: STARTTLS or no mail; `none`: plain text (a local relay only).',
    parse: into('smtpSecure', parseSmtpSecurity),
  }),
  row({
    section: 'Mail',
    key: 'SMTP_USER',
    default: undefined,
    defaultText: 'none: no login',
    example: 'pycron@example.org',
    doc: 'Log in to the SMTP server as this user, with SMTP_PASSWORD or SMTP_PASSWORD_FILE.',
    parse: into('smtpUser', nonBlank('a user name')),
  }),
  row({
    section: 'Mail',
    key: 'SMTP_PASSWORD',
    default: undefined,
    defaultText: 'none',
    example: 'correct-horse-battery',
    doc: 'The SMTP password. Never logged; prefer SMTP_PASSWORD_FILE, so config.ini holds no secret.',
    parse: into('smtpPassword', nonBlank('a password')),
  }),
  row({
    section: 'Mail',
    key: 'SMTP_PASSWORD_FILE',
    default: undefined,
    defaultText: 'none',
    example: '/etc/pycron/smtp-password',
    doc: 'A file holding the SMTP password (read at each mail; keep it mode 0600). It wins over SMTP_PASSWORD.',
    parse: into('smtpPasswordFile', parsePath),
  }),
  row({
    section: 'Mail',
    key: 'MAIL_FROM',
    default: undefined,
    defaultText: "pycron@HOSTNAME (this host's name)",
    example: 'pycron <pycron@example.org>',
    doc: 'The sender of notification mails, for jobs that set no mail_from.',
    parse: into('mailFrom', parseMailAddress),
  }),
  row({
    section: 'Redis',
    key: 'URL',
    default: undefined,
    defaultText: 'none: no Redis triggers',
    example: 'redis://127.0.0.1:6379/0',
    doc: 'The Redis server triggers come from, as with hoocron: a job with redis_trigger = true runs when its name is pushed onto LIST (docs/triggers.md). redis:// or rediss:// (TLS), the database as the path. A password in the URL works; PASSWORD_FILE keeps it out of config.ini. Empty: off.',
    parse: into('redisUrl', parseRedisUrl),
  }),
  row({
    section: 'Redis',
    key: 'LIST',
    default: 'hook',
    example: 'hook',
    doc: 'The list producers push onto (`redis-cli LPUSH hook backup`): a job name, or JSON `{"job": "backup", "args": ["--full"]}`. Taken oldest first.',
    parse: into('redisList', parseRedisKey),
  }),
  row({
    section: 'Redis',
    key: 'PASSWORD_FILE',
    default: undefined,
    defaultText: 'none',
    example: '/etc/pycron/redis-password',
    doc: 'A file holding the Redis password (read at start; keep it mode 0600). It wins over a password in the URL.',
    parse: into('redisPasswordFile', parsePath),
  }),
  row({
    section: 'Redis',
    key: 'INSTANCE_ID',
    default: undefined,
    defaultText: "HOST-HASH: this host's name and a hash of the state file's path",
    example: 'gateway-1',
    doc: "Names this service's processing list, LIST:processing:INSTANCE_ID, where a message waits while it is handled; what a crash leaves there runs at the next start. Keep it the same across restarts and different for each service on one list: set it where host names change (containers).",
    parse: into('redisInstanceId', parseInstanceName),
  }),
  row({
    section: 'Redis',
    key: 'DEAD_LETTER_LIST',
    default: undefined,
    defaultText: 'LIST:dead',
    example: 'hook:dead',
    doc: 'Where a message goes, as it was pushed, that is malformed or names no job with redis_trigger = true; each is logged. The newest 10000 are kept.',
    parse: into('redisDeadLetterList', parseRedisKey),
  }),
  row({
    section: 'MQTT',
    key: 'URL',
    default: undefined,
    defaultText: 'none: no MQTT',
    example: 'mqtt://127.0.0.1:1883',
    doc: 'The MQTT broker triggers come from: a job with mqtt_trigger = true runs on a message to TOPIC_PREFIX and its name (docs/triggers.md). mqtt://, mqtts:// (TLS), ws:// or wss://. Empty: off.',
    parse: into('mqttUrl', parseMqttUrl),
  }),
  row({
    section: 'MQTT',
    key: 'TOPIC_PREFIX',
    default: 'pycron/trigger/',
    example: 'site1/pycron/trigger/',
    doc: 'A message on PREFIX + JOB triggers JOB (a PyCron-layout name keeps its slashes); the payload is empty or JSON `{"args": ["--full"]}`. pycron subscribes to PREFIX# with QoS 1. A missing final slash is added.',
    parse: into('mqttTopicPrefix', parseTopicPrefix),
  }),
  row({
    section: 'MQTT',
    key: 'USERNAME',
    default: undefined,
    defaultText: 'none: no login',
    example: 'pycron',
    doc: 'Log in to the broker as this user, with PASSWORD_FILE (a user and password in the URL work too).',
    parse: into('mqttUsername', parseUserName),
  }),
  row({
    section: 'MQTT',
    key: 'PASSWORD_FILE',
    default: undefined,
    defaultText: 'none',
    example: '/etc/pycron/mqtt-password',
    doc: 'A file holding the broker password (read at start; keep it mode 0600). It wins over a password in the URL.',
    parse: into('mqttPasswordFile', parsePath),
  }),
  row({
    section: 'MQTT',
    key: 'CLIENT_ID',
    default: undefined,
    defaultText: "pycron-HOST-HASH: this host's name and a hash of the state file's path",
    example: 'pycron-gateway-1',
    doc: 'The client id of the persistent session (clean session off), so QoS 1 triggers sent while the service is down arrive when it is back. Keep it the same across restarts and unique on the broker.',
    parse: into('mqttClientId', parseInstanceName),
  }),
  row({
    section: 'MQTT',
    key: 'MQTT_PUBLISH_RUNS',
    default: 'false',
    example: 'true',
    doc: "Publish each finished run's status record, without its output (the output and error fields), on RUNS_TOPIC_PREFIX + JOB with QoS 1, not retained.",
    parse: into('mqttPublishRuns', flag),
  }),
  row({
    section: 'MQTT',
    key: 'RUNS_TOPIC_PREFIX',
    default: 'pycron/runs/',
    example: 'site1/pycron/runs/',
    doc: 'Where MQTT_PUBLISH_RUNS publishes: PREFIX + JOB. A missing final slash is added.',
    parse: into('mqttRunsTopicPrefix', parseTopicPrefix),
  }),
];

/** Section names in table order, as the docs spell them. */
export const SETTING_SECTIONS: readonly string[] = [...new Set(SETTING_KEYS.map((k) => k.section))];
