// Test helpers for the control socket: a fake service behind a ControlServer, and a raw client that sends bytes
// and collects reply lines.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { ControlServer, type ControlServerOptions } from '../../src/control/control-server.ts';
import type { TriggerOutcome } from '../../src/dispatch/trigger-outcome.ts';
import type { JobView } from '../../src/http/describe-job.ts';

export interface TriggerCall {
  job: string;
  args: string[];
  source: string;
}

/** A job as the service describes it, with made-up values but for its name and whether it is paused. */
export function fakeJobView(name: string, paused: boolean): JobView {
  return {
    name,
    title: name,
    layout: 'folder',
    type: 'job',
    schedule: 'every 5 minutes',
    timezone: 'UTC',
    enabled: true,
    paused,
    overlap: 'ignore',
    http_trigger: 'none',
    next_runs: paused ? [] : ['2030-01-01T00:05:00.000Z'],
    running: 0,
    last_result: null,
    failures: 0,
    proc: null,
    recent_runs: [],
    diagnostics: [],
  };
}

/**
 * A ControlServer whose handlers answer from a table of job -> outcome (or a function) and record each call; the
 * jobs of the table can be paused and resumed, and status describes them with fakeJobView.
 */
export function fakeService(
  socketPath: string,
  outcomes: Record<string, TriggerOutcome | ((call: TriggerCall) => TriggerOutcome | Promise<TriggerOutcome>)>,
  options: Partial<ControlServerOptions> = {},
): { server: ControlServer; calls: TriggerCall[]; lookups: string[]; paused: Set<string> } {
  const calls: TriggerCall[] = [];
  const lookups: string[] = [];
  const paused = new Set<string>();
  const server = new ControlServer({
    path: socketPath,
    version: '9.9.9-test',
    handlers: {
      hasJob: (name) => {
        lookups.push(name);
        return Object.hasOwn(outcomes, name);
      },
      trigger: (job, args, source) => {
        const call = { job, args, source };
        calls.push(call);
        const outcome = outcomes[job]!;
        return typeof outcome === 'function' ? outcome(call) : outcome;
      },
      status: () => ({
        jobs: Object.keys(outcomes)
          .sort()
          .map((name) => fakeJobView(name, paused.has(name))),
        diagnostics: [{ severity: 'error', code: 'JOB_INVALID', path: '/jobs/broken', message: 'no runnable file' }],
      }),
      pause: (name) => {
        paused.add(name);
        return fakeJobView(name, true);
      },
      resume: (name) => {
        paused.delete(name);
        return fakeJobView(name, false);
      },
    },
    ...options,
  });
  return { server, calls, lookups, paused };
}

export interface Conversation {
  /** Reply lines, parsed. */
  replies: Record<string, unknown>[];
  /** True when the server closed the connection (rather than the helper, after `expect` replies). */
  closedByServer: boolean;
}

/**
 * Sends `text` (written in one go, or in the given pieces) and collects reply lines until `expect` of them arrived
 * or the server closes the connection; rejects after `timeoutMs`.
 */
export function talk(
  socketPath: string,
  text: string | Buffer | (string | Buffer)[],
  expect: number,
  timeoutMs = 5000,
): Promise<Conversation> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const replies: Record<string, unknown>[] = [];
    let buffer = '';
    let done = false;
    const finish = (closedByServer: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ replies, closedByServer });
    };
    const timer = setTimeout(() => {
      done = true;
      socket.destroy();
      reject(new Error(`no ${expect} replies within ${timeoutMs} ms; got ${JSON.stringify(replies)}`));
    }, timeoutMs);
    socket.on('connect', () => {
      for (const piece of Array.isArray(text) ? text : [text]) socket.write(piece);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let at = buffer.indexOf('\n'); at !== -1; at = buffer.indexOf('\n')) {
        replies.push(JSON.parse(buffer.slice(0, at)) as Record<string, unknown>);
        buffer = buffer.slice(at + 1);
      }
      if (replies.length >= expect) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close while a big write is still going: what matters is what it answered.
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') finish(true);
      else if (!done) {
        done = true;
        clearTimeout(timer);
        reject(error);
      }
    });
  });
}

/** One request object, one reply. */
export async function ask(socketPath: string, request: unknown): Promise<Record<string, unknown>> {
  const { replies } = await talk(socketPath, `${JSON.stringify(request)}\n`, 1);
  return replies[0]!;
}

/** Leaves a socket file at `socketPath` that nobody answers on: a child binds it and is killed with SIGKILL. */
export async function makeStaleSocket(socketPath: string): Promise<void> {
  const child = spawn(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  await new Promise((resolve) => child.once('exit', resolve));
}
