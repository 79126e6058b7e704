// Every job.ini key pycron knows: its meaning, default, example and parser, in one table. docs/job-ini.md is tested
// against it, and config.ini's [Defaults] is checked with the same parsers. Adding a key is one row here.
import { routingKey } from './routing-key.ts';
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseTimezone, type Parsed } from '../config/setting-values.ts';
import type { JobOptions } from './job-options.ts';
import { commaList, choice, duration, flag, text, wholeNumberIn } from './job-value-kinds.ts';
import { isPlausibleJobName } from './plausible-job-name.ts';
import { parseMailAddress, parseMailAddresses, parseNotifyOn, parseWebhookUrl } from '../notify/notify-values.ts';
import { resolveRunAsUser, type UserLookup } from './resolve-run-as-user.ts';

/** What job.ini's main keys set: the job's options plus the few JobSpec fields. */
export interface JobIniFields extends JobOptions {
  timeoutMs: number | undefined;
  timezone: string;
  enabled: boolean;
  /** `proto =`: the protos included, in order. */
  protos: readonly string[];
}

export interface JobValueContext {
  /** The job's folder; undefined while config.ini [Defaults] is checked (folder-relative checks wait for each job). */
  folder: string | undefined;
  users: UserLookup;
}

export interface JobIniKeySpec {
  /** The canonical spelling; kopf's dashed one (`log-start`) is accepted too, and case does not matter. */
  key: string;
  /** The default as the docs show it. */
  default: string;
  example: string;
  /** One or two sentences for docs/job-ini.md. */
  doc: string;
  /** May be set in config.ini [Defaults] (not schedule, command, proto: those belong to each job). */
  inDefaults: boolean;
  parse(raw: string, context: JobValueContext): Parsed<Partial<JobIniFields>>;
}

/** Sets one field from a value parser. */
function into<F extends keyof JobIniFields>(field: F, parser: (raw: string) => Parsed<JobIniFields[F]>) {
  return (raw: string): Parsed<Partial<JobIniFields>> => {
    const parsed = parser(raw);
    if (!parsed.ok) return parsed;
    const set: Partial<JobIniFields> = {};
    set[field] = parsed.value;
    return { ok: true, value: set };
  };
}

/** Checked, but read elsewhere (the schedule and the command shape the whole job, see job-folder.ts). */
function checkedOnly(expected: string) {
  const check = text(expected);
  return (raw: string): Parsed<Partial<JobIniFields>> => {
    const parsed = check(raw);
    return parsed.ok ? { ok: true, value: {} } : parsed;
  };
}

const PROTO_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function parseDir(raw: string, context: JobValueContext): Parsed<Partial<JobIniFields>> {
  const expected = 'an existing folder, relative to the job folder';
  const written = raw.trim();
  if (written === '') return { ok: false, expected };
  if (context.folder === undefined && !path.isAbsolute(written)) return { ok: true, value: {} };
  const dir = path.resolve(context.folder ?? '/', written);
  let isFolder: boolean;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    return { ok: false, expected: `${expected} (${dir} does not exist)` };
  }
  return isFolder ? { ok: true, value: { dir } } : { ok: false, expected: `${expected} (${dir} is not a folder)` };
}

/** Files relative to the job folder, made absolute; they need not exist yet (one that appears is a change). */
function filesOf(field: 'restartOnChange' | 'hupOnChange') {
  const list = commaList('files, relative to the job folder', () => true);
  return (raw: string, context: JobValueContext): Parsed<Partial<JobIniFields>> => {
    const parsed = list(raw);
    if (!parsed.ok) return parsed;
    if (context.folder === undefined) return { ok: true, value: {} };
    const folder = context.folder;
    return { ok: true, value: { [field]: parsed.value.map((file) => path.resolve(folder, file)) } };
  };
}

const above0 = duration('above0');
const atLeast0 = duration('atLeast0');

export const JOB_INI_KEYS: readonly JobIniKeySpec[] = [
  {
    key: 'schedule',
    default: 'not set: an error, unless period, pause or type = proc',
    example: '30 2 * * *',
    doc: "One schedule expression, instead of a schedule file. `none`: the job runs only when triggered (by another job's end, or `pycron trigger`).",
    inDefaults: false,
    parse: checkedOnly('a schedule expression (30 2 * * *, @daily, every 5m), or none'),
  },
  {
    key: 'command',
    default: "the folder's one executable file",
    example: 'pg_dump mydb > /backup/mydb.sql',
    doc: 'A command run with /bin/sh -c, instead of an executable file. Extra arguments from triggers and [cron] are "$@".',
    inDefaults: false,
    parse: checkedOnly('a command for /bin/sh -c'),
  },
  {
    key: 'type',
    default: 'job',
    example: 'proc',
    doc: '`job` runs to an end on its schedule; `proc` is a long-running process, started with the service and restarted when it exits (no schedule).',
    inDefaults: true,
    parse: into('type', choice(['job', 'proc'])),
  },
  {
    key: 'enabled',
    default: 'true',
    example: 'false',
    doc: 'false pauses the job without deleting it (a file named `disabled` in the folder does the same). true or false, yes/no, on/off, 1/0.',
    inDefaults: true,
    parse: into('enabled', flag),
  },
  {
    key: 'timezone',
    default: 'config.ini [Jobs] TIMEZONE',
    example: 'Europe/Berlin',
    doc: 'IANA time zone the schedules are read in (a TZ= prefix on one expression overrides it).',
    inDefaults: true,
    parse: into('timezone', parseTimezone),
  },
  {
    key: 'timeout',
    default: 'none',
    example: '1h30m',
    doc: 'Stop a run after this long: SIGTERM to its process group, then SIGKILL after kill_grace. Durations are 90s, 5m, 1h30m, 2d, 250ms or a number of seconds; at most 24 days.',
    inDefaults: true,
    parse: into('timeoutMs', above0),
  },
  {
    key: 'kill_grace',
    default: 'config.ini [Timings] KILL_GRACE_SECONDS',
    example: '30s',
    doc: 'Time between SIGTERM and SIGKILL when a run is stopped (timeout, replace, shutdown).',
    inDefaults: true,
    parse: into('killGraceMs', atLeast0),
  },
  {
    key: 'overlap',
    default: 'ignore',
    example: 'asap',
    doc: 'What a firing or trigger does while the job runs: `ignore` drops it (logged); `asap` runs once more right after (many collapse into one); `queue` keeps each, up to queue_max; `parallel` starts another copy, up to max_parallel; `replace` stops the running copy, then starts.',
    inDefaults: true,
    parse: into('overlap', choice(['ignore', 'asap', 'queue', 'parallel', 'replace'])),
  },
  {
    key: 'queue_max',
    default: '10',
    example: '100',
    doc: 'With overlap = queue: requests kept while the job runs (1 to 10000); more are refused.',
    inDefaults: true,
    parse: into('queueMax', wholeNumberIn(1, 10_000)),
  },
  {
    key: 'max_parallel',
    default: '2',
    example: '4',
    doc: 'With overlap = parallel: copies running at once (1 to 1000).',
    inDefaults: true,
    parse: into('maxParallel', wholeNumberIn(1, 1000)),
  },
  {
    key: 'catch_up',
    default: 'once',
    example: 'all',
    doc: 'Slots missed while the service was down (or the clock jumped forward): `once` runs the latest one once (PyCron); `skip` runs none; `all` runs each once, in order.',
    inDefaults: true,
    parse: into('catchUp', choice(['once', 'skip', 'all'])),
  },
  {
    key: 'catch_up_max_age',
    default: 'no limit',
    example: '6h',
    doc: 'Missed slots older than this are skipped (and logged) instead of caught up.',
    inDefaults: true,
    parse: into('catchUpMaxAgeMs', above0),
  },
  {
    key: 'retry_delay',
    default: 'config.ini [Timings] JOB_FAIL_TIMEOUT_PERIOD_MINUTES',
    example: '30s',
    doc: 'Delay before a failed run is retried (0 retries at once); never later than the next regular slot.',
    inDefaults: true,
    parse: into('retryDelayMs', atLeast0),
  },
  {
    key: 'max_attempts',
    default: 'unlimited (PyCron)',
    example: '3',
    doc: 'Attempts per slot, the first included: 1 means no retry.',
    inDefaults: true,
    parse: into('maxAttempts', wholeNumberIn(1, Number.MAX_SAFE_INTEGER)),
  },
  {
    key: 'backoff',
    default: 'fixed',
    example: 'exponential',
    doc: '`fixed` waits retry_delay before each retry; `exponential` doubles it after each failed attempt, up to retry_max_delay.',
    inDefaults: true,
    parse: into('backoff', choice(['fixed', 'exponential'])),
  },
  {
    key: 'retry_max_delay',
    default: 'no cap',
    example: '1h',
    doc: 'Cap on the exponential retry delay.',
    inDefaults: true,
    parse: into('retryMaxDelayMs', above0),
  },
  {
    key: 'period',
    default: 'none',
    example: '30m',
    doc: "kopf's period: the next start is at least this long after the previous start. A job with period (or pause) needs no schedule.",
    inDefaults: true,
    parse: into('periodMs', above0),
  },
  {
    key: 'pause',
    default: 'none',
    example: '10s',
    doc: "kopf's pause: the next start is at least this long after the previous end; with period too, the later of the two wins.",
    inDefaults: true,
    parse: into('pauseMs', atLeast0),
  },
  {
    key: 'random',
    default: 'none',
    example: '1h',
    doc: "kopf's random: a fresh random fraction of this is added to period or pause each round.",
    inDefaults: true,
    parse: into('randomMs', atLeast0),
  },
  {
    key: 'run_at_start',
    default: 'true',
    example: 'false',
    doc: 'period and pause jobs: run at once when the job has never run; false waits one period (or pause) first.',
    inDefaults: true,
    parse: into('runAtStart', flag),
  },
  {
    key: 'idle',
    default: '0 (10s for type = proc)',
    example: '5s',
    doc: "kopf's idle: after a trigger, wait this long so a burst of triggers becomes one run; also the least time between a run's end and a run for triggers that came during it. For procs: the delay before a restart.",
    inDefaults: true,
    parse: into('idleMs', atLeast0),
  },
  {
    key: 'jitter',
    default: 'none',
    example: '5m',
    doc: "systemd's RandomizedDelaySec: each schedule slot is delayed by a stable pseudo-random part of this (seeded by the job's name).",
    inDefaults: true,
    parse: into('jitterMs', atLeast0),
  },
  {
    key: 'dst_gap',
    default: 'run_after',
    example: 'skip',
    doc: 'Fixed-time slots that fall in a spring-forward gap (02:30 on the night clocks skip 02:00-03:00): `run_after` runs once right after the gap (cronie); `skip` skips that day.',
    inDefaults: true,
    parse: into('dstGap', choice(['run_after', 'skip'])),
  },
  {
    key: 'trigger',
    default: 'none',
    example: 'report, cleanup',
    doc: 'Jobs started when a run of this one ends (see trigger_on), without extra arguments; [trigger] gives them arguments.',
    inDefaults: true,
    parse: (raw) => {
      const parsed = commaList('job names', isPlausibleJobName)(raw);
      return parsed.ok ? { ok: true, value: { triggers: parsed.value.map((job) => ({ job, args: [] })) } } : parsed;
    },
  },
  {
    key: 'trigger_on',
    default: 'success',
    example: 'always',
    doc: 'Which ends start the triggered jobs: `success` (exit 0), `failure` or `always`.',
    inDefaults: true,
    parse: into('triggerOn', choice(['success', 'failure', 'always'])),
  },
  {
    key: 'http_trigger',
    default: 'none',
    example: 'post',
    doc: 'Which HTTP requests may start the job, hoocron-style (docs/api.md): `get` (GET /JOB), `post` (POST /JOB, with arguments), `both` or `none`. They need the [HTTP] TOKEN (unless http_trigger_auth = none) and go through the overlap policy.',
    inDefaults: true,
    parse: into('httpTrigger', choice(['get', 'post', 'both', 'none'])),
  },
  {
    key: 'http_trigger_auth',
    default: 'token',
    example: 'none',
    doc: "`none`: hoocron's `curl localhost:5152/JOB` starts this job without the [HTTP] TOKEN, as hoocron did, but only while the API listens on loopback and only for requests that look like curl's (none of the headers a browser or a proxy adds: Origin, Referer, Sec-Fetch-*, Forwarded, X-Forwarded-*, Via), so neither a web page nor a client of a local proxy can start it. Any local user can then start the job: set it per job, on purpose. `token` (default): the trigger needs the token like every request that changes state.",
    inDefaults: false,
    parse: into('httpTriggerAuth', choice(['token', 'none'])),
  },
  {
    key: 'redis_trigger',
    default: 'false',
    example: 'true',
    doc: 'true lets a producer start the job by pushing its name onto the Redis list of config.ini [Redis] (`redis-cli LPUSH hook NAME`, or JSON with args); see docs/triggers.md. Through the overlap policy.',
    inDefaults: true,
    parse: into('redisTrigger', flag),
  },
  {
    key: 'mqtt_trigger',
    default: 'false',
    example: 'true',
    doc: "true lets an MQTT message on config.ini [MQTT] TOPIC_PREFIX + NAME start the job (`mosquitto_pub -t pycron/trigger/NAME -m ''`, or JSON with args); see docs/triggers.md. Through the overlap policy.",
    inDefaults: true,
    parse: into('mqttTrigger', flag),
  },
  {
    key: 'routing_key',
    default: 'none: runs on this host',
    example: 'slow',
    doc: "Send each run to a worker instead of running it here, as CronQ: published on config.ini [AMQP] EXCHANGE with this routing key, run by `pycron worker --queue KEY` (docs/workers.md). Needs [AMQP] and [Cluster]. A key no worker's queue is bound to is a failed run (unroutable), never a silent drop.",
    inDefaults: true,
    parse: into('routingKey', routingKey),
  },
  {
    key: 'dir',
    default: 'the job folder',
    example: 'data',
    doc: 'Working directory of runs, relative to the job folder (or absolute); it must exist.',
    inDefaults: true,
    parse: parseDir,
  },
  {
    key: 'title',
    default: "the job's name",
    example: 'Nightly backup',
    doc: 'Display name in logs and lists.',
    inDefaults: true,
    parse: into('title', text('a title (any text)')),
  },
  {
    key: 'log_start',
    default: 'true',
    example: 'false',
    doc: "Log each run's start and end at info level; false logs them at debug.",
    inDefaults: true,
    parse: into('logStart', flag),
  },
  {
    key: 'log_output',
    default: 'false',
    example: 'true',
    doc: "Copy each run's captured output into the service log.",
    inDefaults: true,
    parse: into('logOutput', flag),
  },
  {
    key: 'user',
    default: "pycron's own user",
    example: 'www-data',
    doc: "Run as this user (a name or numeric uid), with its primary group. Only when pycron runs as root; else only pycron's own user is accepted.",
    inDefaults: true,
    parse: (raw, context) => {
      const parsed = resolveRunAsUser(raw, context.users);
      return parsed.ok ? { ok: true, value: { user: parsed.value } } : parsed;
    },
  },
  {
    key: 'proto',
    default: 'none',
    example: 'nightly, mail-on-failure',
    doc: "Shared settings: includes JOBS/_protos/NAME.ini (same syntax as job.ini, sections included). This job.ini's values win over a proto's, and a later proto's over an earlier one's.",
    inDefaults: false,
    parse: into(
      'protos',
      commaList('proto names (files _protos/NAME.ini)', (name) => PROTO_NAME.test(name)),
    ),
  },
  {
    key: 'restart_on_change',
    default: 'none',
    example: 'tor.bin',
    doc: 'type = proc only: restart the proc when one of these files (comma-separated, relative to the job folder) changes.',
    inDefaults: true,
    parse: filesOf('restartOnChange'),
  },
  {
    key: 'hup_on_change',
    default: 'none',
    example: 'tor.rc',
    doc: 'type = proc only: send the proc SIGHUP when one of these files (comma-separated, relative to the job folder) changes.',
    inDefaults: true,
    parse: filesOf('hupOnChange'),
  },
  {
    key: 'mail_to',
    default: 'none',
    example: 'ops@example.org, Backup team <backup@example.org>',
    doc: "kopf's mail_to: mail these addresses (comma-separated) about runs, as notify_on says, with the run's output; over config.ini [Mail]. See docs/notifications.md.",
    inDefaults: true,
    parse: into('mailTo', parseMailAddresses),
  },
  {
    key: 'mail_from',
    default: 'config.ini [Mail] MAIL_FROM',
    example: 'Backups <backup@example.org>',
    doc: "kopf's mail_from: the sender of this job's mails.",
    inDefaults: true,
    parse: into('mailFrom', parseMailAddress),
  },
  {
    key: 'notify_on',
    default: 'failure, recovery (and late, with late_after)',
    example: 'failure, late',
    doc: 'What mail_to and webhook_url hear about, a comma list: `failure` (every failed run), `recovery` (the first success after a failure or a late alert), `always` (every run and late slot; a successful run is mailed only when it wrote output, as kopf does), `late` (see late_after).',
    inDefaults: true,
    parse: into('notifyOn', parseNotifyOn),
  },
  {
    key: 'webhook_url',
    default: 'none',
    example: 'https://hooks.example.org/pycron',
    doc: 'POST each notification here as JSON (the status record, with an `event` field), within 10 seconds; retried like mail.',
    inDefaults: true,
    parse: into('webhookUrl', parseWebhookUrl),
  },
  {
    key: 'late_after',
    default: 'none',
    example: '15m',
    doc: 'Healthchecks-style: notify once when a slot has had no successful run this long after it (none started, one still running, or it failed). Measured from the slot, before jitter.',
    inDefaults: true,
    parse: into('lateAfterMs', above0),
  },
];

/** Canonical key name: lower case, kopf's dashes read as underscores (`Log-Start` is log_start). */
export function canonicalJobKey(key: string): string {
  return key.toLowerCase().replace(/-/g, '_');
}

const BY_KEY = new Map(JOB_INI_KEYS.map((spec) => [spec.key, spec]));

/** The row of a key as written (any case, dashes or underscores); undefined when unknown. */
export function findJobIniKey(key: string): JobIniKeySpec | undefined {
  return BY_KEY.get(canonicalJobKey(key));
}
