// The Redis and MQTT servers the trigger tests use: the machine's own (Redis 127.0.0.1:6379, Mosquitto
// 127.0.0.1:1883), which must be running (a test fails, never skips, when one is down), and private ones started on
// a free port for tests that stop and restart the server. Names get a random suffix so tests can run side by side.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export const SYSTEM_REDIS = { host: '127.0.0.1', port: 6379 };
export const SYSTEM_MOSQUITTO = { host: '127.0.0.1', port: 1883 };

/** `prefix-` and 8 random hex digits. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Resolves when something accepts TCP connections on host:port; rejects with `what` and how to start it. */
export async function requireServer(what: string, address: { host: string; port: number }, start: string) {
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = createConnection(address);
    socket.setTimeout(2000, () => socket.destroy(new Error('timeout')));
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (!reachable)
    throw new Error(
      `${what} is not reachable on ${address.host}:${address.port}: these tests need it running (${start})` +
        (process.env.CI === 'true' ? '; in CI a missing server fails the run' : ''),
    );
}

export const requireSystemRedis = () =>
  requireServer('Redis', SYSTEM_REDIS, "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ''");
export const requireSystemMosquitto = () =>
  requireServer('Mosquitto', SYSTEM_MOSQUITTO, 'mosquitto -d -c /etc/mosquitto/mosquitto.conf');

/** Runs redis-cli against `port` and gives back its output; throws when it fails. */
export function redisCli(port: number, ...args: string[]): string {
  const out = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' });
  if (out.error) throw new Error(`redis-cli cannot run (apt-get install redis-tools): ${out.error.message}`);
  if (out.status !== 0 || /^\(error\)|^ERR/m.test(out.stdout))
    throw new Error(`redis-cli ${args.join(' ')}: ${out.stdout}${out.stderr}`);
  return out.stdout.trim();
}

/** `redis-cli -x`: the last argument is `input`, bytes as they are; gives back the raw output. */
export function redisCliBytes(port: number, input: Buffer, ...args: string[]): Buffer {
  const out = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '-x', ...args], { input });
  if (out.error) throw new Error(`redis-cli cannot run (apt-get install redis-tools): ${out.error.message}`);
  if (out.status !== 0) throw new Error(`redis-cli -x ${args.join(' ')}: ${out.stdout}${out.stderr}`);
  return out.stdout;
}

/** Runs mosquitto_pub against `port`; throws when it fails. */
export function mosquittoPub(port: number, ...args: string[]): void {
  const out = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' });
  if (out.error) throw new Error(`mosquitto_pub cannot run (apt-get install mosquitto-clients): ${out.error.message}`);
  if (out.status !== 0) throw new Error(`mosquitto_pub ${args.join(' ')}: ${out.stderr}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A server process of our own on `port` (redis-server or mosquitto), to stop and start again. */
export class PrivateServer {
  private child: ChildProcess | undefined;
  private readonly command: string;
  private readonly args: string[];
  readonly port: number;

  private constructor(command: string, args: string[], port: number) {
    this.command = command;
    this.args = args;
    this.port = port;
  }

  /** A redis-server that keeps nothing on disk and wants `password`. */
  static redis(port: number, password: string): PrivateServer {
    return new PrivateServer(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', password],
      port,
    );
  }

  /** A mosquitto that lets in only `user` with `password` (its config and password file go into `folder`). */
  static mosquitto(port: number, folder: string, user: string, password: string): PrivateServer {
    const passwords = join(folder, 'mosquitto.passwd');
    const made = spawnSync('mosquitto_passwd', ['-c', '-b', passwords, user, password], { encoding: 'utf8' });
    if (made.error || made.status !== 0)
      throw new Error(`mosquitto_passwd failed (apt-get install mosquitto): ${made.error?.message ?? made.stderr}`);
    const config = join(folder, 'mosquitto.conf');
    // NOTE: started as root, mosquitto turns into user mosquitto unless told otherwise, and could not read `folder`.
    const lines = [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${passwords}`];
    writeFileSync(config, [...lines, `user ${userInfo().username}`, ''].join('\n'));
    // Debian puts the broker in /usr/sbin, which a user's PATH may lack.
    const command = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';
    return new PrivateServer(command, ['-c', config], port);
  }

  /** Starts it and waits until it accepts connections. */
  async start(): Promise<void> {
    const child = spawn(this.command, this.args, { stdio: 'ignore' });
    const failed = new Promise<never>((_, reject) =>
      child.once('error', (error) =>
        reject(
          new Error(
            `${this.command} cannot run (apt-get install ${this.command.endsWith('mosquitto') ? 'mosquitto' : 'redis-server'}): ${error.message}`,
          ),
        ),
      ),
    );
    this.child = child;
    const deadline = Date.now() + 5000;
    for (;;) {
      const up = await Promise.race([
        requireServer(this.command, { host: '127.0.0.1', port: this.port }, '').then(
          () => true,
          () => false,
        ),
        failed,
      ]);
      if (up) return;
      if (Date.now() > deadline) throw new Error(`${this.command} did not start on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGKILL, as a crash: no goodbye to the clients. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
