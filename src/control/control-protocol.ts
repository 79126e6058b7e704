// The control socket's wire format: newline-delimited JSON, one request per line, one reply line per request, in
// order. docs/control-socket.md describes it for people; these types and limits are what the code holds to.
import type { TriggerOutcomeKind } from '../dispatch/trigger-outcome.ts';
import type { ErrorCode } from '../errors.ts';
import type { JobView } from '../http/describe-job.ts';

/** The protocol version this build speaks; a request names it as `v`. */
export const CONTROL_PROTOCOL_VERSION = 1;
/** A request line longer than this (newline excluded) gets BAD_REQUEST and the connection is closed. */
export const MAX_REQUEST_LINE_BYTES = 64 * 1024;
export const MAX_JOB_NAME_CHARS = 255;
export const MAX_TRIGGER_ARGS = 256;
export const MAX_TRIGGER_ARG_BYTES = 4096;
export const MAX_SOURCE_CHARS = 64;
/** A client may tag a request with an id (string or number) that the reply repeats; this bounds a string id. */
export const MAX_REQUEST_ID_CHARS = 128;

export type ControlRequestId = string | number;

export type ControlRequest =
  | { op: 'ping'; id?: ControlRequestId }
  | {
      op: 'trigger';
      job: string;
      args: string[];
      /** Who asked (cli, a script's name); the service logs it. */
      source: string;
      id?: ControlRequestId;
    }
  | { op: 'status'; id?: ControlRequestId }
  | { op: 'pause' | 'resume'; job: string; id?: ControlRequestId };

export interface PingReply {
  ok: true;
  pid: number;
  version: string;
  protocol: number;
  id?: ControlRequestId;
}

export interface TriggerReply {
  ok: true;
  outcome: TriggerOutcomeKind;
  message: string;
  run_id?: string;
  id?: ControlRequestId;
}

/** A job folder that is not loaded, or a warning about one: as the HTTP API lists them. */
export interface DiagnosticView {
  severity: string;
  code: string;
  path: string;
  message: string;
}

/** `status`: the same job views and diagnostics as the HTTP API's GET /api/v1/jobs, with the service's pid and uptime. */
export interface StatusReply {
  ok: true;
  pid: number;
  version: string;
  uptime_s: number;
  jobs: JobView[];
  diagnostics: DiagnosticView[];
  id?: ControlRequestId;
}

/** `pause` and `resume`: the job as it is now (what POST /api/v1/jobs/{name}/pause answers). */
export interface JobReply {
  ok: true;
  job: JobView;
  id?: ControlRequestId;
}

export interface ErrorReply {
  ok: false;
  /** BAD_REQUEST, JOB_NOT_FOUND, INTERNAL, or the code of an error the service raised. */
  code: ErrorCode;
  message: string;
  id?: ControlRequestId;
}

export type ControlReply = PingReply | TriggerReply | StatusReply | JobReply | ErrorReply;
