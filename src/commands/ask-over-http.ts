// The HTTP API as the way to the service when the control socket is off or silent: status from GET /monitor and
// GET /api/v1/jobs, pause and resume by POST with the bearer token. Every way of not getting pycron's answer
// (nothing listening, no token, a refused token, a stranger on the port, no answer in time) is SERVICE_UNREACHABLE.
import { PycronError } from '../errors.ts';
import type { JobView } from '../http/describe-job.ts';
import type { HttpListen } from '../http/parse-http-listen.ts';
import type { DiagnosticView } from '../control/control-protocol.ts';
import { httpBaseUrl } from './http-base-url.ts';
import type { ServiceAnswer, ServiceRequest } from './service-answer.ts';

export interface HttpTarget {
  listen: HttpListen;
  /** Undefined when the config has none: pause and resume are then not tried. */
  token: string | undefined;
}

export async function askOverHttp(
  target: HttpTarget,
  request: ServiceRequest,
  timeoutMs: number,
): Promise<ServiceAnswer> {
  const base = httpBaseUrl(target.listen);
  if (target.listen.port === 0)
    throw unreachable('[HTTP] LISTEN has port 0 (a port the system picks at start), which a command cannot know');
  const signal = AbortSignal.timeout(timeoutMs);
  if (request.op === 'status') {
    const [monitor, list] = await Promise.all([
      call<{ pid: number; uptime_s: number }>(base, 'GET', '/monitor', undefined, signal, timeoutMs),
      call<{ jobs: JobView[]; diagnostics: DiagnosticView[] }>(
        base,
        'GET',
        '/api/v1/jobs',
        undefined,
        signal,
        timeoutMs,
      ),
    ]);
    if ('error' in monitor) return monitor.error;
    if ('error' in list) return list.error;
    const { pid, uptime_s } = monitor.body;
    return { ok: true, pid, version: null, uptime_s, jobs: list.body.jobs, diagnostics: list.body.diagnostics };
  }
  if (target.token === undefined)
    throw unreachable(`${request.op} needs the token, and the config sets no [HTTP] TOKEN or TOKEN_FILE`);
  const path = `/api/v1/jobs/${encodeURIComponent(request.job)}/${request.op}`;
  const answer = await call<JobView>(base, 'POST', path, target.token, signal, timeoutMs);
  return 'error' in answer ? answer.error : { ok: true, job: answer.body };
}

type CallResult<T> = { body: T } | { error: { ok: false; code: ServiceErrorCode; message: string } };
type ServiceErrorCode = Extract<ServiceAnswer, { ok: false }>['code'];

async function call<T>(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  token: string | undefined,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<CallResult<T>> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      signal,
      redirect: 'error',
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    text = await response.text();
  } catch (error) {
    throw unreachable(describeFetchError(error, timeoutMs), error);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw unreachable(`${method} ${path} answered ${response.status} without JSON: not a pycron service`);
  }
  if (response.ok) return { body: body as T };
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string')
    throw unreachable(`${method} ${path} answered ${response.status} without a pycron error: not a pycron service`);
  // A refused token means the service was found but will not take this request from us.
  if (response.status === 401 || response.status === 403)
    throw unreachable(`${method} ${path} was refused: ${error.message}`);
  return { error: { ok: false, code: error.code as ServiceErrorCode, message: error.message } };
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'nothing listens there (connection refused)';
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function unreachable(reason: string, cause?: unknown): PycronError {
  return new PycronError('SERVICE_UNREACHABLE', { reason, cause });
}
