// The service's control socket: a Unix socket, owner-only (mode 0600), speaking newline-delimited JSON. It checks
// every request and hands it to the service; nothing a client sends can crash it or make it buffer without end.
import { readFileSync } from 'node:fs';
import { chmod, lstat, mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import { dirname } from 'node:path';
import type { TriggerOutcome } from '../dispatch/trigger-outcome.ts';
import { PycronError, type ErrorCode } from '../errors.ts';
import type { JobView } from '../http/describe-job.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { answerControlRequest } from './answer-control-request.ts';
import { claimSocketPath } from './claim-socket-path.ts';
import {
  MAX_REQUEST_LINE_BYTES,
  type ControlReply,
  type ControlRequestId,
  type DiagnosticView,
} from './control-protocol.ts';
import { LineSplitter } from './line-splitter.ts';
import { parseControlRequest } from './parse-control-request.ts';
import { socketPathProblem } from './socket-path.ts';

/** What the service lends the socket (controlHandlersFor builds it from the service). */
export interface ControlHandlers {
  trigger(job: string, args: string[], source: string): TriggerOutcome | Promise<TriggerOutcome>;
  hasJob(name: string): boolean;
  /** The loaded jobs and the diagnostics of the jobs folder, as the HTTP API's GET /api/v1/jobs shows them. */
  status(): { jobs: JobView[]; diagnostics: DiagnosticView[] };
  /** Pause or resume a loaded job; each answers the job as it is afterwards. */
  pause(job: string): JobView;
  resume(job: string): JobView;
}

export interface ControlServerOptions {
  /** Absolute path of the socket file. */
  path: string;
  handlers: ControlHandlers;
  logger?: Pick<ServiceLogger, 'debug' | 'warn' | 'error'>;
  /** A connection with no request in flight is closed after this long without a byte from the client. */
  idleTimeoutMs?: number;
  /** Reported by ping; defaults to package.json's. */
  version?: string;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** Connections beyond this are closed at once by Node; each one costs a little memory and a file descriptor. */
export const MAX_CONNECTIONS = 128;
/** Requests read ahead of their replies on one connection before the server stops reading from it. */
const MAX_QUEUED_REQUESTS = 32;
/** Replies waiting for a client that does not read them; past this the next reply cuts the connection instead. */
const MAX_UNREAD_REPLY_BYTES = 1024 * 1024;
/** On close, requests in flight get this long to be answered before their connections are cut. */
const CLOSE_GRACE_MS = 2000;
const utf8 = new TextDecoder('utf-8', { fatal: true });

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

interface Connection {
  socket: net.Socket;
  /** Requests read and not yet answered. */
  queued: number;
  /** Replies are written in request order: each request waits for the one before it. */
  tail: Promise<void>;
  /** Set once the connection is to be closed after its last reply: nothing more is read. */
  finishing: boolean;
}

export class ControlServer implements AsyncDisposable {
  readonly path: string;
  private readonly handlers: ControlHandlers;
  private readonly logger: Pick<ServiceLogger, 'debug' | 'warn' | 'error'> | undefined;
  private readonly idleTimeoutMs: number;
  private readonly version: string;
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private socketInode: number | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: ControlServerOptions) {
    this.path = options.path;
    this.handlers = options.handlers;
    this.logger = options.logger;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.version = options.version ?? PACKAGE_VERSION;
    // NOTE: allowHalfOpen, so a client that sends its request and shuts its side at once (socat, nc -N) still gets
    // the reply: the connection is ended here, after the last reply, not by Node when the client's side ends.
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    this.server.maxConnections = MAX_CONNECTIONS;
  }

  /** Binds the socket (removing a stale one) and resolves once it accepts connections with mode 0600. */
  async start(): Promise<void> {
    const tooLong = socketPathProblem(this.path);
    if (tooLong)
      throw new PycronError('CONFIG_BAD_VALUE', {
        where: { section: 'Control', key: 'SOCKET' },
        reason: `${tooLong}: set [Control] SOCKET to a shorter path`,
      });
    await mkdir(dirname(this.path), { recursive: true });
    await claimSocketPath(this.path);
    await new Promise<void>((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException): void => {
        const code: ErrorCode = error.code === 'EADDRINUSE' ? 'CONTROL_SOCKET_IN_USE' : 'IO_FAILED';
        reject(new PycronError(code, { reason: `cannot listen on ${this.path}: ${error.message}`, cause: error }));
      };
      this.server.once('error', failed);
      this.server.once('listening', () => {
        this.server.off('error', failed);
        resolve();
      });
      // NOTE: the socket file is created by bind(), inside listen(), synchronously: a umask of 0177 for that call
      // alone makes it 0600 from its first instant. process.umask() is refused in worker threads; chmod below covers it.
      let previousUmask: number | undefined;
      try {
        previousUmask = process.umask(0o177);
      } catch {
        previousUmask = undefined;
      }
      try {
        this.server.listen(this.path);
      } finally {
        if (previousUmask !== undefined) process.umask(previousUmask);
      }
    });
    this.server.on('error', (error) => this.logger?.error(`control socket ${this.path}: ${error.message}`));
    try {
      await chmod(this.path, 0o600);
      this.socketInode = (await lstat(this.path)).ino;
    } catch (error) {
      await this.close();
      throw new PycronError('IO_FAILED', {
        reason: `cannot make ${this.path} owner-only: ${String(error)}`,
        cause: error,
      });
    }
  }

  /** Stops accepting, lets requests in flight be answered (briefly), closes every connection, removes the file. */
  close(): Promise<void> {
    return (this.closing ??= this.shutDown());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async shutDown(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) {
      if (connection.queued === 0) connection.socket.destroy();
      else this.finish(connection);
    }
    const grace = setTimeout(() => {
      for (const connection of this.connections) connection.socket.destroy();
    }, CLOSE_GRACE_MS);
    await closed;
    clearTimeout(grace);
    await this.removeSocketFile();
  }

  /** Removes the socket file if it is still the one this server created (Node usually has removed it already). */
  private async removeSocketFile(): Promise<void> {
    if (this.socketInode === undefined) return;
    try {
      if ((await lstat(this.path)).ino === this.socketInode) await rm(this.path, { force: true });
    } catch {
      // Gone already: nothing to remove.
    }
  }

  private accept(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const connection: Connection = { socket, queued: 0, tail: Promise.resolve(), finishing: false };
    this.connections.add(connection);
    const splitter = new LineSplitter(MAX_REQUEST_LINE_BYTES);
    socket.setTimeout(this.idleTimeoutMs);
    socket.on('timeout', () => {
      // A slow handler is not an idle client: only a connection with nothing in flight is closed.
      if (connection.queued === 0) socket.destroy();
    });
    socket.on('error', (error) => this.logger?.debug(`control socket client: ${error.message}`));
    socket.on('close', () => this.connections.delete(connection));
    socket.on('end', () => this.finish(connection));
    socket.on('data', (chunk: Buffer) => {
      // NOTE: a finishing connection is still read (and the bytes dropped), so the client's hang-up is seen.
      if (connection.finishing) return;
      const { lines, overflow } = splitter.push(chunk);
      for (const line of lines) this.enqueue(connection, () => this.answerLine(line));
      if (overflow) {
        this.enqueue(connection, () => ({
          ok: false,
          code: 'BAD_REQUEST',
          message: `request line longer than ${MAX_REQUEST_LINE_BYTES} bytes; closing the connection`,
        }));
        this.finish(connection);
      }
    });
  }

  /** Takes no more requests from the connection and ends it once its queued requests are answered. */
  private finish(connection: Connection): void {
    connection.finishing = true;
    if (connection.socket.isPaused()) connection.socket.resume();
    void connection.tail.then(() => connection.socket.end());
  }

  /** Answers requests one after another on a connection; stops reading while too many wait. */
  private enqueue(connection: Connection, answer: () => ControlReply | Promise<ControlReply>): void {
    const { socket } = connection;
    connection.queued++;
    if (connection.queued >= MAX_QUEUED_REQUESTS) socket.pause();
    connection.tail = connection.tail.then(async () => {
      let reply: ControlReply;
      try {
        reply = await answer();
      } catch (error) {
        reply = { ok: false, code: 'INTERNAL', message: `the service failed to answer: ${String(error)}` };
      }
      // A client that sends requests but never reads the replies would pile them up here. NOTE: checked before the
      // write, so one large reply (status of many jobs) still goes out whole.
      if (socket.writableLength > MAX_UNREAD_REPLY_BYTES) socket.destroy();
      else if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(reply)}\n`);
      connection.queued--;
      if (connection.queued < MAX_QUEUED_REQUESTS && socket.isPaused()) socket.resume();
    });
  }

  private async answerLine(line: Buffer): Promise<ControlReply> {
    let text: string;
    try {
      text = utf8.decode(line).replace(/\r$/, '');
    } catch {
      return { ok: false, code: 'BAD_REQUEST', message: 'the request is not UTF-8 text' };
    }
    if (text.trim() === '') return { ok: false, code: 'BAD_REQUEST', message: 'empty request line' };
    const parsed = parseControlRequest(text);
    if (!parsed.ok) {
      this.logger?.debug(`control socket: bad request: ${parsed.message}`);
      return withId({ ok: false, code: 'BAD_REQUEST', message: parsed.message }, parsed.id);
    }
    return answerControlRequest(parsed.request, {
      handlers: this.handlers,
      version: this.version,
      logger: this.logger,
    });
  }
}

function withId<T extends ControlReply>(reply: T, id: ControlRequestId | undefined): T {
  return id === undefined ? reply : { ...reply, id };
}
