// The validated settings the service runs with: built-in defaults < config.ini < command-line flags.
import type { HttpListen } from '../http/parse-http-listen.ts';
import type { JobDefaults } from '../jobs/read-job-options.ts';
import type { SmtpSecurity } from '../notify/notify-values.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Settings {
  /** Absolute path of the config file read, or undefined when built-in defaults were used. */
  configFile: string | undefined;
  /** [Folders] JOBS_FOLDER (or JOBS_FOLDER_DEFAULT), absolute. */
  jobsFolder: string;
  /** [Folders] LOGS_FOLDER (or LOGS_FOLDER_DEFAULT), absolute: job_status.log lives here. */
  logsFolder: string;
  /** Our JSON state file, absolute. A PyCron `.pickle` PERSISTENCE_FILE becomes the `.json` file beside it. */
  stateFile: string;
  /** [Timings] SLEEP_DURATION in ms: accepted for PyCron; pycron sleeps until the next due instant instead. */
  sleepDurationMs: number;
  /** [Timings] CHECK_FOR_NEW_JOBS_EVERY in ms: the full rescan of the jobs folder (the safety net). */
  rescanEveryMs: number;
  /** [Timings] JOB_FAIL_TIMEOUT_PERIOD_MINUTES in ms: delay before a failed run is retried. */
  retryDelayMs: number;
  /** [Timings] SHUTDOWN_GRACE_SECONDS in ms: how long running jobs may finish after SIGTERM. */
  shutdownGraceMs: number;
  /** [Timings] KILL_GRACE_SECONDS in ms: between SIGTERM and SIGKILL when a run is stopped. */
  killGraceMs: number;
  /** [Logging] OUTPUT_CAPTURE_BYTES: bound on captured stdout and on captured stderr, per run. */
  captureBytes: number;
  /** [Logging] STATUS_LOG_RETENTION_DAYS: daily status-log files kept. */
  statusLogRetentionDays: number;
  /** [Logging] LOG_LEVEL, from Python level names. */
  logLevel: LogLevel;
  /** [Logging] LOG_FORMAT: human-readable text or JSON lines on stderr. */
  logFormat: 'text' | 'json';
  /** [Jobs] TIMEZONE: zone for schedules that name none; defaults to the host's zone. */
  timezone: string;
  /** [Control] SOCKET, absolute: the control socket `pycron trigger` uses (pycron.sock beside the state file); null: off. */
  controlSocket: string | null;
  /** [HTTP] LISTEN: where the HTTP API binds (127.0.0.1:5152 by default); null: no HTTP server. */
  httpListen: HttpListen | null;
  /** [HTTP] TOKEN: the bearer token state-changing HTTP requests need; unset: they are refused. */
  httpToken?: string;
  /** [HTTP] TOKEN_FILE, absolute: a file holding the token, read when the HTTP server starts. */
  httpTokenFile?: string;
  /** [Mail] SMTP_HOST: the SMTP server that job notifications (mail_to) go through. */
  smtpHost: string;
  /** [Mail] SMTP_PORT; unset: 465 with SMTP_SECURE = tls, else 25. */
  smtpPort?: number;
  /** [Mail] SMTP_SECURE: how the SMTP connection is encrypted. */
  smtpSecure: SmtpSecurity;
  /** [Mail] SMTP_USER: log in as this user; unset: no login. */
  smtpUser?: string;
  /** [Mail] SMTP_PASSWORD: a secret, never logged. */
  smtpPassword?: string;
  /** [Mail] SMTP_PASSWORD_FILE, absolute: a file holding the password, read at each mail; wins over SMTP_PASSWORD. */
  smtpPasswordFile?: string;
  /** [Mail] MAIL_FROM: the sender when a job sets no mail_from; unset: pycron@ the host's name. */
  mailFrom?: string;
  /** [Redis] URL: the server Redis triggers come from; unset: no Redis triggers. */
  redisUrl?: string;
  /** [Redis] LIST: the list producers push job names (or JSON) onto; hoocron's `hook` by default. */
  redisList: string;
  /** [Redis] PASSWORD_FILE, absolute: a file holding the Redis password, read when the triggers open. */
  redisPasswordFile?: string;
  /** [Redis] INSTANCE_ID: names this service's processing list; unset: the host's name and a hash of the state file. */
  redisInstanceId?: string;
  /** [Redis] DEAD_LETTER_LIST: where messages that name no Redis-triggered job go; unset: LIST:dead. */
  redisDeadLetterList?: string;
  /** [MQTT] URL: the broker MQTT triggers come from; unset: no MQTT. */
  mqttUrl?: string;
  /** [MQTT] TOPIC_PREFIX, ending in a slash: a message on PREFIX + JOB triggers JOB. */
  mqttTopicPrefix: string;
  /** [MQTT] USERNAME: log in to the broker as this user. */
  mqttUsername?: string;
  /** [MQTT] PASSWORD_FILE, absolute: a file holding the broker password, read when the triggers open. */
  mqttPasswordFile?: string;
  /** [MQTT] CLIENT_ID: the persistent session's id; unset: pycron- and the same name as the Redis instance. */
  mqttClientId?: string;
  /** [MQTT] MQTT_PUBLISH_RUNS: publish each finished run's status record (without its output). */
  mqttPublishRuns: boolean;
  /** [MQTT] RUNS_TOPIC_PREFIX, ending in a slash: run records go to PREFIX + JOB. */
  mqttRunsTopicPrefix: string;
  /** [Cluster] DATABASE_URL: the PostgreSQL database the cluster shares; unset: this instance runs alone. */
  clusterDatabaseUrl?: string;
  /** [Cluster] PASSWORD_FILE, absolute: a file holding the database password, read at start. */
  clusterPasswordFile?: string;
  /** [Cluster] INSTANCE_ID: this instance's name in the cluster; unset: the host's name. */
  clusterInstanceId?: string;
  /** [Cluster] LEASE, in ms: how long an instance may be silent before its work is taken over. */
  clusterLeaseMs: number;
  /** [Cluster] SCHEMA: the PostgreSQL schema holding the cluster's tables. */
  clusterSchema: string;
  /** [AMQP] URL: the RabbitMQ broker for remote runs and ticks; unset: no AMQP. */
  amqpUrl?: string;
  /** [AMQP] PASSWORD_FILE, absolute: a file holding the broker password, read at start. */
  amqpPasswordFile?: string;
  /** [AMQP] EXCHANGE: the direct exchange runs (by routing_key) and results go through. */
  amqpExchange: string;
  /** [AMQP] RESULTS_QUEUE: the durable queue of workers' results, read by the service. */
  amqpResultsQueue: string;
  /** [Ticks] ENABLED: publish HACron's ticks. */
  ticksEnabled: boolean;
  /** [Ticks] EXCHANGE: the fanout exchange ticks go to. */
  ticksExchange: string;
  /** [Ticks] CRON_TIME: when to tick. */
  ticksCronTime: string;
  /** [Defaults]: job.ini keys for every job (under its protos and job.ini), checked, with file and line. */
  jobDefaults: JobDefaults;
}
