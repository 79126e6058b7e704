// What the service answers to one checked control request: ping, status, trigger, pause, resume. Every failure of
// a handler becomes an error reply (its own code for a PycronError, INTERNAL otherwise), never a thrown error.
import { isPycronError } from '../errors.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { CONTROL_PROTOCOL_VERSION, type ControlReply, type ControlRequest } from './control-protocol.ts';
import type { ControlHandlers } from './control-server.ts';

export interface AnswerContext {
  handlers: ControlHandlers;
  /** The service's version, reported by ping and status. */
  version: string;
  logger?: Pick<ServiceLogger, 'error'> | undefined;
}

const OUTCOMES = new Set(['started', 'queued', 'collapsed', 'refused']);

export async function answerControlRequest(request: ControlRequest, context: AnswerContext): Promise<ControlReply> {
  const reply = await answer(request, context);
  return request.id === undefined ? reply : { ...reply, id: request.id };
}

async function answer(request: ControlRequest, { handlers, version, logger }: AnswerContext): Promise<ControlReply> {
  if (request.op === 'ping') return { ok: true, pid: process.pid, version, protocol: CONTROL_PROTOCOL_VERSION };
  try {
    if (request.op === 'status') {
      const { jobs, diagnostics } = handlers.status();
      return { ok: true, pid: process.pid, version, uptime_s: Math.round(process.uptime()), jobs, diagnostics };
    }
    if (!handlers.hasJob(request.job))
      return { ok: false, code: 'JOB_NOT_FOUND', message: `no job named '${request.job}' in this service` };
    if (request.op !== 'trigger')
      return { ok: true, job: request.op === 'pause' ? handlers.pause(request.job) : handlers.resume(request.job) };
    const outcome = await handlers.trigger(request.job, [...request.args], request.source);
    if (!OUTCOMES.has(outcome?.kind)) throw new Error(`the trigger handler returned ${JSON.stringify(outcome)}`);
    return {
      ok: true,
      outcome: outcome.kind,
      message: outcome.message,
      ...(outcome.runId !== undefined ? { run_id: outcome.runId } : {}),
    };
  } catch (error) {
    if (isPycronError(error)) return { ok: false, code: error.code, message: error.message };
    const detail = error instanceof Error ? error.message : String(error);
    const what = request.op === 'status' ? 'describe its jobs' : `${request.op} ${request.job}`;
    logger?.error(`control socket: failed to ${what}: ${detail}`);
    return { ok: false, code: 'INTERNAL', message: `the service failed to ${what}: ${detail}` };
  }
}
