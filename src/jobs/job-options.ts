// A job's policies and kopf options, resolved: config.ini [Defaults] < proto < job.ini, defaults filled in.
// job-folder.ts builds them; the scheduler, the dispatcher, the runner and the proc supervisor read them.

/** What a firing or trigger does when the job is already running (Kubernetes' concurrencyPolicy, hoocron's policy). */
export type OverlapPolicy =
  /** Drop it and log it (default). */
  | 'ignore'
  /** Run once more right after the current run; many requests collapse into one (hoocron). */
  | 'asap'
  /** Keep each request, up to queueMax, and run them one after another. */
  | 'queue'
  /** Start another copy, up to maxParallel at once. */
  | 'parallel'
  /** Stop the running copy's process group, then start. */
  | 'replace';

/** What happens to slots missed while the service was down or the clock jumped forward. */
export type CatchUpPolicy =
  /** Run the latest missed slot once (default, PyCron). */
  | 'once'
  /** Run none; wait for the next slot. */
  | 'skip'
  /** Run each missed slot once, in order, each with its own scheduled_at. */
  | 'all';

export type BackoffPolicy = 'fixed' | 'exponential';

/** A cron firing whose slot is in the spring-forward gap: run right after the gap (cronie) or not at all. */
export type DstGapPolicy = 'run_after' | 'skip';

export type TriggerOn = 'success' | 'failure' | 'always';

/** hoocron's --get / --post: which HTTP methods on /JOB may start the job. */
export type HttpTrigger = 'get' | 'post' | 'both' | 'none';

/** What a job's notifications are sent for (job.ini `notify_on`); see docs/notifications.md. */
export type NotifyOn = 'failure' | 'recovery' | 'always' | 'late';

/** One job started when this one ends (`[trigger]` in job.ini, kopf's `trigger`). */
export interface ChainTarget {
  /** Name of the job to start. */
  job: string;
  /** Extra arguments passed to that run. */
  args: readonly string[];
}

export interface JobOptions {
  /** `job` runs to an end; `proc` is a long-running process restarted when it exits. */
  type: 'job' | 'proc';
  overlap: OverlapPolicy;
  /** With overlap = queue: requests kept while the job runs; more are refused (default 10). */
  queueMax: number;
  /** With overlap = parallel: copies running at once (default 2). */
  maxParallel: number;
  catchUp: CatchUpPolicy;
  /** Missed slots older than this (ms) are skipped and logged; undefined = no limit. */
  catchUpMaxAgeMs: number | undefined;
  /** Delay before a failed run is retried; undefined = the service's JOB_FAIL_TIMEOUT_PERIOD_MINUTES. */
  retryDelayMs: number | undefined;
  /** Attempts per slot, the first included; undefined = unlimited (PyCron). */
  maxAttempts: number | undefined;
  backoff: BackoffPolicy;
  /** Cap on the exponential retry delay; undefined = no cap. */
  retryMaxDelayMs: number | undefined;
  /** Time between SIGTERM and SIGKILL when a run is stopped; undefined = the service's KILL_GRACE_SECONDS. */
  killGraceMs: number | undefined;
  /** kopf `period`: the next start is at least this long after the previous start (ms). */
  periodMs: number | undefined;
  /** kopf `pause`: the next start is at least this long after the previous end (ms). */
  pauseMs: number | undefined;
  /** kopf `random`: a fresh random fraction of this is added to period/pause each round (ms). */
  randomMs: number | undefined;
  /**
   * kopf `idle`: after a trigger, wait this long so a burst of triggers becomes one run; also the least time after
   * a run's end before a run for triggers that came during it. For procs: the delay before a restart (default 10 s).
   */
  idleMs: number;
  /** systemd's RandomizedDelaySec for schedule slots: each slot is delayed by a stable pseudo-random part of this. */
  jitterMs: number | undefined;
  /** period/pause jobs: run at once when the job has never run (default true); else wait one period first. */
  runAtStart: boolean;
  dstGap: DstGapPolicy;
  /** Jobs started when a run ends, with their arguments. */
  triggers: readonly ChainTarget[];
  triggerOn: TriggerOn;
  /** Which hoocron-style HTTP requests (GET or POST /JOB) may start the job; `none` by default. */
  httpTrigger: HttpTrigger;
  /**
   * `none`: a hoocron trigger of this job needs no token, as hoocron never asked for one, when the API listens on
   * loopback and the request does not come from a web page (docs/api.md). `token` (default) otherwise.
   */
  httpTriggerAuth: 'token' | 'none';
  /** A job name pushed onto config.ini [Redis] LIST may start the job (false by default). */
  redisTrigger: boolean;
  /** A message on config.ini [MQTT] TOPIC_PREFIX + the job's name may start the job (false by default). */
  mqttTrigger: boolean;
  /** job.ini routing_key: runs are published over AMQP for a worker with this queue, not spawned here. */
  routingKey?: string;
  /** Working directory of runs, absolute (kopf `dir`; default the job's folder). */
  dir: string;
  /** Display name in logs and lists (kopf `title`); default the job's name. */
  title: string;
  /** Log each run's start and end at info level (default true; false logs them at debug). */
  logStart: boolean;
  /** Copy each run's captured output into the service log (default false). */
  logOutput: boolean;
  /** `[env]`: added to the run's environment. */
  env: Readonly<Record<string, string>>;
  /** Run as this user (pycron must run as root); undefined = as pycron's own user. */
  user: { name: string; uid: number; gid: number } | undefined;
  /** Procs: restart when one of these files changes (absolute paths). */
  restartOnChange: readonly string[];
  /** Procs: send SIGHUP when one of these files changes (absolute paths). */
  hupOnChange: readonly string[];
  /** kopf `mail_to`: addresses told about runs (see notifyOn); [] = no mail. */
  mailTo: readonly string[];
  /** kopf `mail_from`: the sender of those mails; undefined = config.ini [Mail] MAIL_FROM. */
  mailFrom: string | undefined;
  /** When to notify; undefined = failure and recovery (and late, with lateAfterMs). */
  notifyOn: readonly NotifyOn[] | undefined;
  /** POST each notification's status record as JSON here (an http or https URL). */
  webhookUrl: string | undefined;
  /** Healthchecks-style: alert when no run has succeeded this long (ms) after a slot. */
  lateAfterMs: number | undefined;
}

/** The options of a job folder that sets none of them (job.ini keys' documented defaults). */
export function defaultJobOptions(folder: string, name: string): JobOptions {
  return {
    type: 'job',
    overlap: 'ignore',
    queueMax: 10,
    maxParallel: 2,
    catchUp: 'once',
    catchUpMaxAgeMs: undefined,
    retryDelayMs: undefined,
    maxAttempts: undefined,
    backoff: 'fixed',
    retryMaxDelayMs: undefined,
    killGraceMs: undefined,
    periodMs: undefined,
    pauseMs: undefined,
    randomMs: undefined,
    idleMs: 0,
    jitterMs: undefined,
    runAtStart: true,
    dstGap: 'run_after',
    triggers: [],
    triggerOn: 'success',
    httpTrigger: 'none',
    httpTriggerAuth: 'token',
    redisTrigger: false,
    mqttTrigger: false,
    dir: folder,
    title: name,
    logStart: true,
    logOutput: false,
    env: {},
    user: undefined,
    restartOnChange: [],
    hupOnChange: [],
    mailTo: [],
    mailFrom: undefined,
    notifyOn: undefined,
    webhookUrl: undefined,
    lateAfterMs: undefined,
  };
}

/** Default idle (restart delay) of a proc, as kopf's. */
export const PROC_DEFAULT_IDLE_MS = 10_000;
