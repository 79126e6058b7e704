// Where the control socket lives, and the one limit the kernel puts on its path.
import path from 'node:path';

/**
 * sockaddr_un.sun_path holds 108 bytes on Linux and 104 on macOS and the BSDs, NUL included. Node does not refuse
 * a longer path: it silently cuts it and binds somewhere else, so the length is checked before binding.
 */
export const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

export const DEFAULT_SOCKET_NAME = 'pycron.sock';

/** The default control socket: beside the state file, so two services with different state files never collide. */
export function defaultControlSocket(stateFile: string): string {
  return path.join(path.dirname(stateFile), DEFAULT_SOCKET_NAME);
}

/** Why `socketPath` cannot be bound, or undefined when it can. */
export function socketPathProblem(socketPath: string): string | undefined {
  const bytes = Buffer.byteLength(socketPath);
  if (bytes <= MAX_SOCKET_PATH_BYTES) return undefined;
  return `the control socket path ${socketPath} is ${bytes} bytes; Unix socket paths hold at most ${MAX_SOCKET_PATH_BYTES}`;
}
