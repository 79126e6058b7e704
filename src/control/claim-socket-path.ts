// Makes the control socket's path free to bind. A socket file nobody answers on was left by a service that died
// (kill -9, power loss) and is removed; one a live process answers on, or a file that is not a socket, is an error.
import { lstat, rm } from 'node:fs/promises';
import { PycronError, isPycronError } from '../errors.ts';
import { sendControlRequest } from './send-control-request.ts';

const PROBE_TIMEOUT_MS = 2000;

export async function claimSocketPath(socketPath: string): Promise<void> {
  try {
    const stats = await lstat(socketPath);
    if (!stats.isSocket())
      throw new PycronError('IO_FAILED', {
        reason: `${socketPath} exists and is not a socket; pycron leaves it alone (remove it, or set [Control] SOCKET to another path)`,
      });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    if (isPycronError(error)) throw error;
    throw new PycronError('IO_FAILED', { reason: `cannot check ${socketPath}: ${String(error)}`, cause: error });
  }

  let answer: string;
  try {
    const reply = await sendControlRequest(socketPath, { op: 'ping' }, { timeoutMs: PROBE_TIMEOUT_MS });
    answer = reply.ok && 'pid' in reply ? `another pycron service (pid ${reply.pid})` : 'another process';
  } catch (error) {
    const code = isPycronError(error) ? (error.details.cause as NodeJS.ErrnoException | undefined)?.code : undefined;
    if (code === 'ENOENT') return;
    if (code === 'ECONNREFUSED') {
      await rm(socketPath, { force: true });
      return;
    }
    // Connected, but no pycron answer (a timeout, a hang-up, a stranger's protocol): someone holds the path.
    if (code === undefined) answer = 'another process';
    else
      throw new PycronError('IO_FAILED', {
        reason: `cannot check whether ${socketPath} is in use: ${(error as Error).message}`,
        cause: error,
      });
  }
  throw new PycronError('CONTROL_SOCKET_IN_USE', {
    reason: `${answer} answers on the control socket ${socketPath}; stop it, or give each service its own [Control] SOCKET`,
  });
}
