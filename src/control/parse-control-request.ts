// Turns one request line into a checked ControlRequest, or says what is wrong with it. Pure: no I/O.
// Invariant: a request that passes has a job name and arguments within the documented limits and free of NUL and
// control characters, so nothing a client sends can smuggle a second line, a path or a shell word anywhere.
import {
  CONTROL_PROTOCOL_VERSION,
  MAX_JOB_NAME_CHARS,
  MAX_REQUEST_ID_CHARS,
  MAX_SOURCE_CHARS,
  MAX_TRIGGER_ARG_BYTES,
  MAX_TRIGGER_ARGS,
  type ControlRequest,
  type ControlRequestId,
} from './control-protocol.ts';

export type ParsedControlRequest =
  { ok: true; request: ControlRequest } | { ok: false; message: string; id?: ControlRequestId };

/** The fields each op takes; anything else is refused, so a misspelt `arg` cannot silently drop arguments. */
const FIELDS: Record<ControlRequest['op'], readonly string[]> = {
  ping: ['v', 'op', 'id'],
  trigger: ['v', 'op', 'id', 'job', 'args', 'source'],
  status: ['v', 'op', 'id'],
  pause: ['v', 'op', 'id', 'job'],
  resume: ['v', 'op', 'id', 'job'],
};

const DEFAULT_SOURCE = 'socket';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export function parseControlRequest(line: string): ParsedControlRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, message: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, message: `expected a JSON object, got ${preview(value)}` };
  const fields = value as Record<string, unknown>;

  let id: ControlRequestId | undefined;
  if (fields.id !== undefined) {
    const ok =
      (typeof fields.id === 'string' && fields.id.length <= MAX_REQUEST_ID_CHARS) ||
      (typeof fields.id === 'number' && Number.isFinite(fields.id));
    if (!ok)
      return { ok: false, message: `id: expected a string of at most ${MAX_REQUEST_ID_CHARS} characters or a number` };
    id = fields.id as ControlRequestId;
  }
  const fail = (message: string): ParsedControlRequest =>
    id === undefined ? { ok: false, message } : { ok: false, message, id };

  if (fields.v === undefined)
    return fail(
      `v: missing; every request names the protocol version (this service speaks ${CONTROL_PROTOCOL_VERSION})`,
    );
  if (fields.v !== CONTROL_PROTOCOL_VERSION)
    return fail(
      `v: unsupported protocol version ${preview(fields.v)} (this service speaks ${CONTROL_PROTOCOL_VERSION})`,
    );
  const op = fields.op;
  if (!isOp(op)) return fail(`op: expected one of ${Object.keys(FIELDS).join(', ')}, got ${preview(op)}`);
  const unknown = Object.keys(fields).find((key) => !FIELDS[op].includes(key));
  if (unknown !== undefined) return fail(`unknown field '${unknown}' (${op} takes ${FIELDS[op].join(', ')})`);
  const withId = <T extends object>(request: T): T => (id === undefined ? request : { ...request, id });

  if (op === 'ping' || op === 'status') return { ok: true, request: withId({ op }) };

  const job = fields.job;
  if (!isCleanText(job, MAX_JOB_NAME_CHARS))
    return fail(
      `job: expected a job name of 1 to ${MAX_JOB_NAME_CHARS} characters without control characters, got ${preview(job)}`,
    );
  if (op === 'pause' || op === 'resume') return { ok: true, request: withId({ op, job }) };
  const args = fields.args ?? [];
  if (!Array.isArray(args)) return fail(`args: expected an array of strings, got ${preview(args)}`);
  if (args.length > MAX_TRIGGER_ARGS)
    return fail(`args: expected at most ${MAX_TRIGGER_ARGS} items, got ${args.length}`);
  for (const [index, arg] of args.entries()) {
    // NOTE: NUL cannot be passed to a process (execve ends the string there); newlines and quotes can.
    const bytes = typeof arg === 'string' ? Buffer.byteLength(arg) : 0;
    if (typeof arg !== 'string' || bytes > MAX_TRIGGER_ARG_BYTES || arg.includes('\u0000'))
      return fail(
        `args[${index}]: expected a string of at most ${MAX_TRIGGER_ARG_BYTES} bytes without NUL, got ${typeof arg === 'string' && bytes > MAX_TRIGGER_ARG_BYTES ? `${bytes} bytes` : preview(arg)}`,
      );
  }
  const source = fields.source ?? DEFAULT_SOURCE;
  if (!isCleanText(source, MAX_SOURCE_CHARS))
    return fail(
      `source: expected 1 to ${MAX_SOURCE_CHARS} characters without control characters, got ${preview(source)}`,
    );
  return { ok: true, request: withId({ op, job, args: args as string[], source }) };
}

function isOp(value: unknown): value is ControlRequest['op'] {
  return typeof value === 'string' && Object.hasOwn(FIELDS, value);
}

/** A non-empty string of at most `maxChars` characters (code points), none of them a control character. */
function isCleanText(value: unknown, maxChars: number): value is string {
  if (typeof value !== 'string' || value === '' || CONTROL_CHARACTER.test(value)) return false;
  return [...value].length <= maxChars;
}

/** A short JSON rendering of what the client sent, so a huge value is not echoed back whole. */
function preview(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
