// Asks the running service (the one started with the same config) a question: over the control socket first, and
// over the HTTP API when the socket is off or silent. When neither answers, the error says what each way tried and
// why it failed.
import type { Settings } from '../config/settings.ts';
import type { ControlReply } from '../control/control-protocol.ts';
import { sendControlRequest } from '../control/send-control-request.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { PycronError, isPycronError } from '../errors.ts';
import { readHttpToken } from '../http/read-http-token.ts';
import { askOverHttp } from './ask-over-http.ts';
import { httpBaseUrl } from './http-base-url.ts';
import type { ServiceAnswer, ServiceRequest } from './service-answer.ts';

/** A status of 10,000 jobs is a few MiB on one line. */
const MAX_STATUS_REPLY_BYTES = 64 * 1024 * 1024;

export interface ServiceAnswerVia {
  answer: ServiceAnswer;
  /** How the service was reached, for people: `control socket /run/pycron.sock`, `HTTP API http://127.0.0.1:5152`. */
  via: string;
}

export async function askService(
  settings: Settings,
  warnings: readonly Diagnostic[],
  request: ServiceRequest,
  timeoutMs: number,
): Promise<ServiceAnswerVia> {
  const failures: string[] = [];

  if (settings.controlSocket === null) {
    const why = warnings.find((d) => d.message.includes('[Control] SOCKET'));
    failures.push(`control socket: off (${why ? why.message : '[Control] SOCKET is empty'})`);
  } else {
    const via = `control socket ${settings.controlSocket}`;
    try {
      const reply = await sendControlRequest(settings.controlSocket, request, {
        timeoutMs,
        maxReplyBytes: MAX_STATUS_REPLY_BYTES,
      });
      // A service older than this command knows only ping and trigger: the HTTP API may still answer.
      if (!reply.ok && reply.code === 'BAD_REQUEST' && reply.message.startsWith('op:'))
        failures.push(`${via}: the service does not know '${request.op}' (it is older than this pycron)`);
      else return { answer: answerTo(request, reply, via), via };
    } catch (error) {
      if (!isPycronError(error) || error.code !== 'SERVICE_UNREACHABLE') throw error;
      // The socket's messages name its path.
      failures.push(`control socket: ${error.message}`);
    }
  }

  if (settings.httpListen === null) {
    failures.push('HTTP API: off ([HTTP] LISTEN is off)');
  } else {
    const via = `HTTP API ${httpBaseUrl(settings.httpListen)}`;
    try {
      // NOTE: the token is read only for requests that need it: a status needs none, and its file may be root's.
      const token = request.op === 'status' ? undefined : readHttpToken(settings);
      return { answer: await askOverHttp({ listen: settings.httpListen, token }, request, timeoutMs), via };
    } catch (error) {
      if (!isPycronError(error) || (error.code !== 'SERVICE_UNREACHABLE' && error.code !== 'CONFIG_BAD_VALUE'))
        throw error;
      failures.push(`${via}: ${error.message}`);
    }
  }

  const config = settings.configFile ? ` -c ${settings.configFile}` : '';
  throw new PycronError('SERVICE_UNREACHABLE', {
    reason: [
      'the service cannot be reached:',
      ...failures.map((failure) => `  ${failure}`),
      `Is it running with this config? Start it with 'pycron${config}' (or through your service manager).`,
    ].join('\n'),
  });
}

/** The reply as an answer to `request`; any other reply is not pycron's answer to it (INTERNAL). */
function answerTo(request: ServiceRequest, reply: ControlReply, via: string): ServiceAnswer {
  if (!reply.ok) return { ok: false, code: reply.code, message: reply.message };
  if (request.op === 'status' && 'jobs' in reply) {
    const { id: _id, ...status } = reply;
    return status;
  }
  if (request.op !== 'status' && 'job' in reply) return { ok: true, job: reply.job };
  return { ok: false, code: 'INTERNAL', message: `${via} gave a reply that does not answer '${request.op}'` };
}
