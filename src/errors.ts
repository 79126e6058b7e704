// One error type for the whole program, with a closed set of codes. Each code maps to a process exit code
// (and, later, an HTTP status); docs/errors.md lists every code and a test keeps the two in step.

export const ERROR_CODES = {
  USAGE: { exit: 2, http: 400, summary: 'The command line is wrong (unknown flag, missing argument).' },
  CONFIG_NOT_FOUND: { exit: 2, http: 500, summary: 'The config file named with -c does not exist or cannot be read.' },
  CONFIG_BAD_VALUE: { exit: 2, http: 500, summary: 'A config.ini key has a value of the wrong kind or out of range.' },
  CONFIG_UNKNOWN_KEY: {
    exit: 2,
    http: 500,
    summary: 'A config.ini section or key is not known (a warning at start-up).',
  },
  CONFIG_PICKLE_STATE: {
    exit: 2,
    http: 500,
    summary: "PERSISTENCE_FILE names PyCron's pickle file, which pycron cannot read (a warning).",
  },
  CONFIG_INI_COMMENT: {
    exit: 2,
    http: 500,
    summary: 'An unquoted value holds # or ;, which ini reads as the start of a comment (a warning).',
  },
  CONFIG_DUPLICATE_KEY: {
    exit: 2,
    http: 500,
    summary:
      'An ini key is given twice, or under two spellings (JOBS_FOLDER and JOBS_FOLDER_DEFAULT); one is ignored (a warning).',
  },
  JOB_INVALID: {
    exit: 2,
    http: 422,
    summary: 'A job folder or file cannot be understood (no runnable file, two candidates, bad job.ini).',
  },
  SCHEDULE_INVALID: {
    exit: 2,
    http: 422,
    summary: 'A schedule expression cannot be parsed, or names an unknown time zone.',
  },
  JOB_RUNNING: { exit: 1, http: 409, summary: 'The job is running already; pycron never starts a second copy.' },
  JOB_NOT_FOUND: { exit: 2, http: 404, summary: 'No job has the name given.' },
  STATE_UNREADABLE: {
    exit: 1,
    http: 500,
    summary: 'The state file could not be read; it was moved aside and the service started afresh (a warning).',
  },
  STATE_LOCKED: { exit: 1, http: 409, summary: 'Another pycron is running with the same state file.' },
  STATE_WRITE_FAILED: { exit: 1, http: 500, summary: 'The state file could not be written.' },
  SPAWN_FAILED: {
    exit: 1,
    http: 500,
    summary: 'A job process could not be started (missing interpreter, no exec bit).',
  },
  WATCH_FAILED: {
    exit: 1,
    http: 500,
    summary: 'The jobs folder could not be watched (inotify limits); the periodic rescan still runs.',
  },
  IO_FAILED: { exit: 1, http: 500, summary: 'A file or folder pycron needs could not be read or written.' },
  BAD_REQUEST: {
    exit: 2,
    http: 400,
    summary:
      'A control-socket request is malformed: not JSON, an unknown op, field or protocol version, a bad job name or arguments, or a line over 64 KiB.',
  },
  SERVICE_UNREACHABLE: {
    exit: 1,
    http: 503,
    summary:
      'The running service cannot be reached on its control socket (not running, started with another config, socket turned off, no permission, or no reply in time).',
  },
  CONTROL_SOCKET_IN_USE: {
    exit: 1,
    http: 409,
    summary:
      'Another process already answers on the control socket path (another pycron service using the same socket).',
  },
  HTTP_UNAUTHORIZED: {
    exit: 2,
    http: 401,
    summary: 'An HTTP request that changes state came without the right token (Authorization: Bearer TOKEN).',
  },
  HTTP_FORBIDDEN: {
    exit: 2,
    http: 403,
    summary: 'An HTTP request that changes state was refused: no [HTTP] TOKEN or TOKEN_FILE is configured.',
  },
  HTTP_NOT_FOUND: {
    exit: 2,
    http: 404,
    summary: 'No HTTP endpoint has this path, or the job does not accept HTTP triggers (http_trigger in job.ini).',
  },
  HTTP_METHOD_NOT_ALLOWED: { exit: 2, http: 405, summary: 'The HTTP endpoint exists but not for this method.' },
  HTTP_BODY_TOO_LARGE: {
    exit: 2,
    http: 413,
    summary: 'An HTTP request body is over its limit: 64 KiB, or 1 MiB for a category of stored jobs.',
  },
  HTTP_TIMEOUT: { exit: 1, http: 408, summary: 'An HTTP request body did not arrive in time.' },
  HTTP_UNAVAILABLE: {
    exit: 1,
    http: 503,
    summary: 'The HTTP endpoint needs a part of the service that is not running (run history, metrics).',
  },
  TRIGGER_MESSAGE_INVALID: {
    exit: 2,
    http: 400,
    summary:
      'A Redis or MQTT trigger message is malformed, or names no job that takes such triggers (redis_trigger, mqtt_trigger in job.ini); Redis moves it to the dead-letter list.',
  },
  CLUSTER_INSTANCE_ID_IN_USE: {
    exit: 1,
    http: 409,
    summary:
      'Another live instance of the cluster goes by the same [Cluster] INSTANCE_ID (it heartbeats): give each instance its own.',
  },
  CLUSTER_SCHEMA_TOO_NEW: {
    exit: 1,
    http: 500,
    summary: "The cluster's database schema was migrated by a newer pycron than this one: upgrade this instance.",
  },
  CATEGORY_INVALID: {
    exit: 2,
    http: 400,
    summary:
      'A category of stored jobs (PUT /api/v1/categories/NAME) was refused: a bad field, job name, schedule, command, routing key or option; nothing was changed.',
  },
  INTERNAL: { exit: 1, http: 500, summary: 'A bug in pycron: please report it with the service log.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Where a problem is: a file, and inside it a section, key or line. */
export interface ErrorLocation {
  file?: string;
  section?: string;
  key?: string;
  line?: number;
}

export interface ErrorDetails {
  where?: ErrorLocation;
  expected?: string;
  got?: unknown;
  /** A full sentence used instead of the expected/got form. */
  reason?: string;
  cause?: unknown;
}

export function describeLocation(where: ErrorLocation | undefined): string {
  if (!where) return '';
  let text = where.file ?? '';
  if (where.line !== undefined) text += `:${where.line}`;
  if (where.section !== undefined) text += `${text ? ' ' : ''}[${where.section}]`;
  if (where.key !== undefined) text += `${text ? ' ' : ''}${where.key}`;
  return text;
}

function formatGot(got: unknown): string {
  return typeof got === 'string' ? `'${got}'` : JSON.stringify(got);
}

export class PycronError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, details: ErrorDetails = {}) {
    const place = describeLocation(details.where);
    let body = details.reason ?? '';
    if (details.expected !== undefined) {
      body = `expected ${details.expected}${'got' in details ? `, got ${formatGot(details.got)}` : ''}`;
    }
    super(place ? `${place}: ${body}` : body, { cause: details.cause });
    this.name = 'PycronError';
    this.code = code;
    this.details = details;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }
}

export function isPycronError(error: unknown): error is PycronError {
  return error instanceof PycronError;
}
