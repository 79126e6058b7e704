// Helpers for the tests of the commands that talk to a running service: a config with the socket and the HTTP API
// set as a test needs, the real service in a child process, and the real CLI run without blocking this process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { PYCRON_BIN, ServiceProcess, type CliResult } from '../support/cli-process.ts';
import type { ServiceFolder } from '../support/service-folder.ts';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

export interface ServiceConfig {
  /** [Control] SOCKET; '' turns it off. Default: pycron.sock beside the state file. */
  socket?: string;
  /** [HTTP] LISTEN; default off. */
  listen?: string;
  /** [HTTP] TOKEN; default none. */
  token?: string;
  /** [Logging] STATUS_LOG_RETENTION_DAYS; default 30. */
  retentionDays?: number;
}

/** Writes `root`/`name` (config.ini by default) over the folders jobs/, logs/ and state.json of `root`. */
export function writeServiceConfig(root: string, config: ServiceConfig = {}, name = 'config.ini'): ServiceFolder {
  const folder: ServiceFolder = {
    root,
    config: join(root, name),
    jobs: join(root, 'jobs'),
    logs: join(root, 'logs'),
    state: join(root, 'state.json'),
  };
  mkdirSync(folder.jobs, { recursive: true });
  const lines = [
    '[Timings]',
    'CHECK_FOR_NEW_JOBS_EVERY = 15',
    'SHUTDOWN_GRACE_SECONDS = 1',
    'KILL_GRACE_SECONDS = 1',
    '[Folders]',
    'JOBS_FOLDER = jobs',
    'LOGS_FOLDER = logs',
    'PERSISTENCE_FILE = state.json',
    '[HTTP]',
    // Tests run side by side: none of them takes the default API port.
    `LISTEN = ${config.listen ?? 'off'}`,
    ...(config.token === undefined ? [] : [`TOKEN = ${config.token}`]),
    ...(config.socket === undefined ? [] : ['[Control]', `SOCKET = ${config.socket}`]),
    '[Logging]',
    'LOG_LEVEL = DEBUG',
    ...(config.retentionDays === undefined ? [] : [`STATUS_LOG_RETENTION_DAYS = ${config.retentionDays}`]),
  ];
  writeFileSync(folder.config, `${lines.join('\n')}\n`);
  return folder;
}

/** Starts the service on `config` and resolves once it is ready (and its HTTP API listens, when it has one). */
export async function startService(config: string, cwd: string, withHttp = false): Promise<ServiceProcess> {
  const service = new ServiceProcess(['-c', config], { cwd });
  try {
    await service.waitForLog(/pycron ready/, 30_000);
    if (withHttp) await service.waitForLog(/HTTP API listening on/, 30_000);
  } catch (error) {
    await service.kill();
    throw error;
  }
  return service;
}

/** Stops the service with SIGTERM, as an operator would; SIGKILL if it does not go. */
export async function stopService(service: ServiceProcess | undefined): Promise<void> {
  if (!service) return;
  service.signal('SIGTERM');
  await service.exit(20_000).catch(() => service.kill());
}

/** Runs the CLI to its end without blocking this process; one still running after `timeoutMs` is killed. */
export function runCliAsync(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
): Promise<CliResult> {
  const child = spawnCli(args, cwd, env);
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    // NOTE: a CLI that never exits would hold the test on its pipes for good: give up, as runCli does, and say so.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for pycron ${args.join(' ')} to exit; stdout: ${stdout}; stderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The CLI as a child process with piped stdout and stderr (for --follow). */
export function spawnCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [PYCRON_BIN, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A TCP port free on 127.0.0.1 a moment ago: the CLI needs the port in config.ini, so port 0 will not do. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Escapes `text` for use inside a RegExp. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
