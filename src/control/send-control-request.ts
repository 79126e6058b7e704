// The client side of the control socket: one request, one reply. Every way of not getting a reply becomes a
// SERVICE_UNREACHABLE error that names the socket path and says why.
import net from 'node:net';
import { PycronError } from '../errors.ts';
import { CONTROL_PROTOCOL_VERSION, type ControlReply, type ControlRequest } from './control-protocol.ts';
import { socketPathProblem } from './socket-path.ts';

export const DEFAULT_REPLY_TIMEOUT_MS = 10_000;
/** A reply is one short line; anything longer is not a pycron service talking (status passes a larger bound). */
export const MAX_REPLY_BYTES = 1024 * 1024;

export interface SendControlRequestOptions {
  timeoutMs?: number;
  /** The longest reply line accepted; default MAX_REPLY_BYTES. */
  maxReplyBytes?: number;
  /** Appended when nobody is listening, e.g. how to start the service. */
  startHint?: string;
}

export function sendControlRequest(
  socketPath: string,
  request: ControlRequest,
  options: SendControlRequestOptions = {},
): Promise<ControlReply> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
  const maxReplyBytes = options.maxReplyBytes ?? MAX_REPLY_BYTES;
  const hint = options.startHint ? `; ${options.startHint}` : '';
  return new Promise((resolve, reject) => {
    const problem = socketPathProblem(socketPath);
    if (problem) return reject(new PycronError('SERVICE_UNREACHABLE', { reason: problem }));
    let settled = false;
    const fail = (reason: string, cause?: unknown): void => {
      clearTimeout(timer);
      socket.destroy();
      if (settled) return;
      settled = true;
      reject(new PycronError('SERVICE_UNREACHABLE', { reason, cause }));
    };
    const socket = net.connect(socketPath);
    const timer = setTimeout(
      () => fail(`no reply from the service on ${socketPath} within ${formatSeconds(timeoutMs)}`),
      timeoutMs,
    );
    // NOTE: chunks are kept apart until the newline comes, so a large reply is not copied once per chunk.
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    socket.on('connect', () => socket.write(`${JSON.stringify({ v: CONTROL_PROTOCOL_VERSION, ...request })}\n`));
    socket.on('data', (chunk: Buffer) => {
      if (settled) return;
      const newline = chunk.indexOf(0x0a);
      const end = receivedBytes + (newline === -1 ? chunk.length : newline);
      if (end > maxReplyBytes) return fail(`the reply on ${socketPath} is not a pycron reply (too long)`);
      chunks.push(chunk);
      receivedBytes += chunk.length;
      if (newline === -1) return;
      let reply: unknown;
      try {
        reply = JSON.parse(Buffer.concat(chunks).subarray(0, end).toString('utf8'));
      } catch {
        return fail(`the reply on ${socketPath} is not a pycron reply (not JSON)`);
      }
      if (typeof reply !== 'object' || reply === null || typeof (reply as { ok?: unknown }).ok !== 'boolean')
        return fail(`the reply on ${socketPath} is not a pycron reply (no "ok" field)`);
      clearTimeout(timer);
      settled = true;
      socket.end();
      resolve(reply as ControlReply);
    });
    socket.on('end', () => fail(`the service closed the connection on ${socketPath} without a reply`));
    socket.on('error', (error: NodeJS.ErrnoException) => fail(describeConnectError(socketPath, error, hint), error));
  });
}

function describeConnectError(socketPath: string, error: NodeJS.ErrnoException, hint: string): string {
  switch (error.code) {
    case 'ENOENT':
      return `the service is not running: there is no control socket at ${socketPath}${hint}`;
    case 'ECONNREFUSED':
      return `the service is not running: nothing answers on ${socketPath} (a socket file left behind)${hint}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${socketPath}: the control socket is owner-only (mode 0600); run this as the user the service runs as (with sudo for a service run by root)`;
    case 'ENOTSOCK':
      return `${socketPath} is not a socket`;
    default:
      return `cannot connect to the service on ${socketPath}: ${error.message}`;
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
