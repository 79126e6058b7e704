// The control socket server with fake handlers: outcomes pass through, every bad request is answered (never a
// crash), limits hold, many clients are served at once, and the socket file is owner-only and cleaned up.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { ControlServer } from '../../src/control/control-server.ts';
import { MAX_SOCKET_PATH_BYTES } from '../../src/control/socket-path.ts';
import { PycronError } from '../../src/errors.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import { waitUntil } from '../procs/wait-until.ts';
import { ask, fakeService, makeStaleSocket, talk } from './socket-talk.ts';

let root: string;
let counter = 0;
const servers: ControlServer[] = [];
/** A fresh socket path per test, so no test sees another's socket. */
const socketPath = (): string => join(root, `s${++counter}.sock`);
const started = async (server: ControlServer): Promise<ControlServer> => {
  servers.push(server);
  await server.start();
  return server;
};

before(() => {
  root = mkdtempSync(join(tmpdir(), 'pycron-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('rule 9: ControlServer requests', () => {
  it('passes each trigger outcome through, with the job, args and source as sent', async () => {
    const path = socketPath();
    const { server, calls } = fakeService(path, {
      backup: { kind: 'started', message: 'backup started', runId: 'run-1' },
      report: { kind: 'queued', message: 'report will run after the current run' },
      sync: { kind: 'collapsed', message: 'sync joined the run already pending' },
      mail: { kind: 'refused', message: 'mail is running and its overlap policy is ignore: dropped' },
    });
    await started(server);
    const args = ['--full', 'a b', `it's "quoted"`, '', 'new\nline', 'ünïcode ✓'];
    assert.deepEqual(await ask(path, { v: 1, op: 'trigger', job: 'backup', args, source: 'cli', id: 7 }), {
      ok: true,
      outcome: 'started',
      message: 'backup started',
      run_id: 'run-1',
      id: 7,
    });
    assert.deepEqual(calls, [{ job: 'backup', args, source: 'cli' }]);
    assert.deepEqual(await ask(path, { v: 1, op: 'trigger', job: 'report' }), {
      ok: true,
      outcome: 'queued',
      message: 'report will run after the current run',
    });
    assert.deepEqual(calls[1], { job: 'report', args: [], source: 'socket' });
    assert.equal((await ask(path, { v: 1, op: 'trigger', job: 'sync' })).outcome, 'collapsed');
    assert.equal((await ask(path, { v: 1, op: 'trigger', job: 'mail' })).outcome, 'refused');
  });

  it('answers ping with its pid, version and protocol', async () => {
    const path = socketPath();
    await started(fakeService(path, {}).server);
    assert.deepEqual(await ask(path, { v: 1, op: 'ping', id: 'p' }), {
      ok: true,
      pid: process.pid,
      version: '9.9.9-test',
      protocol: 1,
      id: 'p',
    });
  });

  it('an unknown job is JOB_NOT_FOUND; the name only ever reaches hasJob, as a string', async () => {
    const path = socketPath();
    const { server, calls, lookups } = fakeService(path, { backup: { kind: 'started', message: 'ok' } });
    await started(server);
    assert.deepEqual(await ask(path, { v: 1, op: 'trigger', job: '../../etc/passwd' }), {
      ok: false,
      code: 'JOB_NOT_FOUND',
      message: "no job named '../../etc/passwd' in this service",
    });
    assert.deepEqual(lookups, ['../../etc/passwd']);
    assert.deepEqual(calls, []);
  });

  it('bad JSON is BAD_REQUEST and the connection keeps serving', async () => {
    const path = socketPath();
    await started(fakeService(path, {}).server);
    const { replies, closedByServer } = await talk(path, 'nope\n\n{"v":1,"op":"ping"}\r\n', 3);
    assert.equal(closedByServer, false);
    assert.deepEqual(replies[0], {
      ok: false,
      code: 'BAD_REQUEST',
      message: `not JSON: Unexpected token 'o', "nope" is not valid JSON`,
    });
    assert.deepEqual(replies[1], { ok: false, code: 'BAD_REQUEST', message: 'empty request line' });
    assert.equal(replies[2]?.ok, true);
  });

  it('a line over 64 KiB is answered with BAD_REQUEST, then the connection is closed', async () => {
    const path = socketPath();
    await started(fakeService(path, {}).server);
    // A ping first: it is still answered, in order, before the refusal.
    const { replies, closedByServer } = await talk(
      path,
      [`{"v":1,"op":"ping"}\n`, Buffer.alloc(70 * 1024, 'x'), '\n{"v":1,"op":"ping"}\n'],
      3,
    );
    assert.equal(closedByServer, true);
    assert.equal(replies.length, 2);
    assert.equal(replies[0]?.ok, true);
    assert.deepEqual(replies[1], {
      ok: false,
      code: 'BAD_REQUEST',
      message: 'request line longer than 65536 bytes; closing the connection',
    });
  });

  it('a line of exactly 64 KiB is read', async () => {
    const path = socketPath();
    const { server, calls } = fakeService(path, { j: { kind: 'started', message: 'ok' } });
    await started(server);
    const base = JSON.stringify({ v: 1, op: 'trigger', job: 'j', args: [''] });
    const arg = 'a'.repeat(4096);
    const args = Array.from({ length: 15 }, () => arg);
    const line = JSON.stringify({
      v: 1,
      op: 'trigger',
      job: 'j',
      args: [...args, 'b'.repeat(65536 - base.length - 15 * 4099)],
    });
    assert.equal(Buffer.byteLength(line), 65536);
    assert.equal((await talk(path, `${line}\n`, 1)).replies[0]?.ok, true);
    assert.equal(calls[0]?.args.length, 16);
  });

  it('refuses bad names, args and fields with a message saying what was expected and what came', async () => {
    const path = socketPath();
    const { server, calls } = fakeService(path, { j: { kind: 'started', message: 'ok' } });
    await started(server);
    const cases: [unknown, string][] = [
      [[1], 'expected a JSON object, got [1]'],
      [{ op: 'ping' }, 'v: missing; every request names the protocol version (this service speaks 1)'],
      [{ v: 2, op: 'ping' }, 'v: unsupported protocol version 2 (this service speaks 1)'],
      [{ v: 1, op: 'kick' }, 'op: expected one of ping, trigger, status, pause, resume, got "kick"'],
      [
        { v: 1, op: 'trigger', job: 'j', arg: ['x'] },
        "unknown field 'arg' (trigger takes v, op, id, job, args, source)",
      ],
      [
        { v: 1, op: 'trigger' },
        'job: expected a job name of 1 to 255 characters without control characters, got nothing',
      ],
      [
        { v: 1, op: 'trigger', job: '' },
        'job: expected a job name of 1 to 255 characters without control characters, got ""',
      ],
      [
        { v: 1, op: 'trigger', job: 42 },
        'job: expected a job name of 1 to 255 characters without control characters, got 42',
      ],
      [
        { v: 1, op: 'trigger', job: 'a\nb' },
        'job: expected a job name of 1 to 255 characters without control characters, got "a\\nb"',
      ],
      [
        { v: 1, op: 'trigger', job: 'a\u0000b' },
        'job: expected a job name of 1 to 255 characters without control characters, got "a\\u0000b"',
      ],
      [
        { v: 1, op: 'trigger', job: 'x'.repeat(256) },
        `job: expected a job name of 1 to 255 characters without control characters, got "${'x'.repeat(76)}...`,
      ],
      [{ v: 1, op: 'trigger', job: 'j', args: '--full' }, 'args: expected an array of strings, got "--full"'],
      [{ v: 1, op: 'trigger', job: 'j', args: Array(257).fill('') }, 'args: expected at most 256 items, got 257'],
      [
        { v: 1, op: 'trigger', job: 'j', args: ['ok', 3] },
        'args[1]: expected a string of at most 4096 bytes without NUL, got 3',
      ],
      [
        { v: 1, op: 'trigger', job: 'j', args: ['é'.repeat(2049)] },
        'args[0]: expected a string of at most 4096 bytes without NUL, got 4098 bytes',
      ],
      [
        { v: 1, op: 'trigger', job: 'j', args: ['a\u0000b'] },
        'args[0]: expected a string of at most 4096 bytes without NUL, got "a\\u0000b"',
      ],
      [
        { v: 1, op: 'trigger', job: 'j', source: 'x\ty' },
        'source: expected 1 to 64 characters without control characters, got "x\\ty"',
      ],
      [{ v: 1, op: 'ping', id: { a: 1 } }, 'id: expected a string of at most 128 characters or a number'],
    ];
    const lines = cases.map(([request]) => `${JSON.stringify(request)}\n`).join('');
    const { replies } = await talk(path, lines, cases.length);
    assert.deepEqual(
      replies,
      cases.map(([, message]) => ({ ok: false, code: 'BAD_REQUEST', message })),
    );
    assert.deepEqual(calls, []);
  });

  it('accepts values right at the limits', async () => {
    const path = socketPath();
    const { server, calls } = fakeService(path, { j: { kind: 'started', message: 'ok' } });
    await started(server);
    const longName = 'ü'.repeat(255);
    assert.equal((await ask(path, { v: 1, op: 'trigger', job: longName })).code, 'JOB_NOT_FOUND');
    const args = [...Array(255).fill('x'), 'é'.repeat(2048)];
    assert.equal((await ask(path, { v: 1, op: 'trigger', job: 'j', args, source: 's'.repeat(64) })).ok, true);
    assert.deepEqual(calls, [{ job: 'j', args, source: 's'.repeat(64) }]);
  });

  it('a handler that throws gets an error reply, never a crash; a PycronError keeps its code', async () => {
    const path = socketPath();
    const logger = new MemoryServiceLogger();
    const { server } = fakeService(
      path,
      {
        boom: () => {
          throw new Error('dispatcher exploded');
        },
        later: async () => {
          await new Promise((r) => setTimeout(r, 10));
          throw new PycronError('JOB_INVALID', { reason: 'later has a broken job.ini' });
        },
        odd: () => ({ kind: 'maybe' }) as never,
      },
      { logger },
    );
    await started(server);
    assert.deepEqual(await ask(path, { v: 1, op: 'trigger', job: 'boom' }), {
      ok: false,
      code: 'INTERNAL',
      message: 'the service failed to trigger boom: dispatcher exploded',
    });
    assert.deepEqual(await ask(path, { v: 1, op: 'trigger', job: 'later' }), {
      ok: false,
      code: 'JOB_INVALID',
      message: 'later has a broken job.ini',
    });
    assert.deepEqual(await ask(path, { v: 1, op: 'trigger', job: 'odd' }), {
      ok: false,
      code: 'INTERNAL',
      message: 'the service failed to trigger odd: the trigger handler returned {"kind":"maybe"}',
    });
    assert.ok(logger.entries.some((e) => e.level === 'error' && e.message.includes('dispatcher exploded')));
    assert.equal((await ask(path, { v: 1, op: 'ping' })).ok, true);
  });

  it('serves many clients at once, and answers pipelined requests in order', async () => {
    const path = socketPath();
    const { server, calls } = fakeService(path, {
      slow: async ({ args }) => {
        // Later requests finish first, so order is the server's doing, not the handler's.
        await new Promise((r) => setTimeout(r, 50 - Number(args[0]) * 5));
        return { kind: 'queued', message: `slow ${args[0]}` };
      },
    });
    await started(server);
    const clients = Array.from({ length: 100 }, (_, i) =>
      ask(path, { v: 1, op: 'trigger', job: 'slow', args: [String(i % 10)], id: i }),
    );
    const replies = await Promise.all(clients);
    replies.forEach((reply, i) =>
      assert.deepEqual(reply, { ok: true, outcome: 'queued', message: `slow ${i % 10}`, id: i }),
    );
    assert.equal(calls.length, 100);

    const pipelined = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({ v: 1, op: 'trigger', job: 'slow', args: [String(i)], id: i }),
    ).join('\n');
    const { replies: inOrder } = await talk(path, `${pipelined}\n`, 10);
    assert.deepEqual(
      inOrder.map((r) => r.id),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it('answers a client that shuts its sending side right after the request (socat, nc -N)', async () => {
    const path = socketPath();
    const { server } = fakeService(path, {
      slow: async () => {
        await new Promise((r) => setTimeout(r, 100));
        return { kind: 'started', message: 'answered after the half-close' };
      },
    });
    await started(server);
    const client = net.connect(path);
    client.end(`${JSON.stringify({ v: 1, op: 'trigger', job: 'slow' })}\n${JSON.stringify({ v: 1, op: 'ping' })}\n`);
    let received = '';
    for await (const chunk of client) received += String(chunk);
    const replies = received
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      replies.map((r) => r.message ?? r.ok),
      ['answered after the half-close', true],
    );
  });

  it('a request split across many small writes is read whole', async () => {
    const path = socketPath();
    await started(fakeService(path, {}).server);
    const line = `${JSON.stringify({ v: 1, op: 'ping', id: 'split' })}\n`;
    const { replies } = await talk(
      path,
      [...line].map((c) => c),
      1,
    );
    assert.equal(replies[0]?.id, 'split');
  });

  it('closes a connection that stays idle, and keeps one whose request is in flight', async () => {
    const path = socketPath();
    const { server } = fakeService(
      path,
      {
        slow: async () => {
          await new Promise((r) => setTimeout(r, 300));
          return { kind: 'started', message: 'slow started' };
        },
      },
      { idleTimeoutMs: 100 },
    );
    await started(server);
    const idle = await talk(path, '', 1, 3000);
    assert.deepEqual(idle, { replies: [], closedByServer: true });
    const busy = await talk(path, `${JSON.stringify({ v: 1, op: 'trigger', job: 'slow' })}\n`, 1, 3000);
    assert.equal(busy.replies[0]?.message, 'slow started');
  });
});

describe('ControlServer: the socket file', () => {
  it('is created with mode 0600 even under umask 0, and removed by close()', async () => {
    const path = socketPath();
    const previous = process.umask(0);
    try {
      await started(fakeService(path, {}).server);
    } finally {
      process.umask(previous);
    }
    const stats = lstatSync(path);
    assert.ok(stats.isSocket());
    assert.equal(stats.mode & 0o777, 0o600);
    await servers.pop()!.close();
    assert.equal(existsSync(path), false);
  });

  it('close() lets a request in flight be answered, then removes the file', async () => {
    const path = socketPath();
    const { server, calls } = fakeService(path, {
      slow: async () => {
        await new Promise((r) => setTimeout(r, 200));
        return { kind: 'started', message: 'answered during close' };
      },
    });
    await started(server);
    const pending = ask(path, { v: 1, op: 'trigger', job: 'slow' });
    // NOTE: not a fixed sleep: on a loaded machine the request may not have reached the server yet, and a connection
    // with nothing in flight is closed at once, unanswered.
    await waitUntil(() => calls.length === 1, 5_000, 'the request to reach its handler');
    await server.close();
    assert.equal((await pending).message, 'answered during close');
    assert.equal(existsSync(path), false);
  });

  it('replaces a stale socket file that nobody answers on (a service killed with -9)', async () => {
    const path = socketPath();
    await makeStaleSocket(path);
    assert.ok(lstatSync(path).isSocket());
    await started(fakeService(path, {}).server);
    assert.equal((await ask(path, { v: 1, op: 'ping' })).ok, true);
  });

  it('refuses a path another pycron service answers on, naming its pid', async () => {
    const path = socketPath();
    await started(fakeService(path, {}).server);
    const second = fakeService(path, {}).server;
    await assert.rejects(second.start(), {
      code: 'CONTROL_SOCKET_IN_USE',
      message: `another pycron service (pid ${process.pid}) answers on the control socket ${path}; stop it, or give each service its own [Control] SOCKET`,
    });
    // The first one still works.
    assert.equal((await ask(path, { v: 1, op: 'ping' })).ok, true);
  });

  it('refuses a path some other program listens on, and leaves it alone', async () => {
    const path = socketPath();
    const stranger = net.createServer((socket) => socket.resume().end('hello, I am not pycron\n'));
    await new Promise<void>((resolve) => stranger.listen(path, resolve));
    try {
      await assert.rejects(fakeService(path, {}).server.start(), {
        code: 'CONTROL_SOCKET_IN_USE',
        message: `another process answers on the control socket ${path}; stop it, or give each service its own [Control] SOCKET`,
      });
      assert.ok(lstatSync(path).isSocket());
    } finally {
      await new Promise((resolve) => stranger.close(resolve));
    }
  });

  it('refuses a path that is a regular file, and does not touch it', async () => {
    const path = socketPath();
    writeFileSync(path, 'precious');
    await assert.rejects(fakeService(path, {}).server.start(), {
      code: 'IO_FAILED',
      message: `${path} exists and is not a socket; pycron leaves it alone (remove it, or set [Control] SOCKET to another path)`,
    });
    assert.equal(readFileSync(path, 'utf8'), 'precious');
  });

  it('refuses a path too long for a Unix socket, naming it', async () => {
    const path = join(root, `${'d'.repeat(MAX_SOCKET_PATH_BYTES)}.sock`);
    const bytes = Buffer.byteLength(path);
    await assert.rejects(fakeService(path, {}).server.start(), {
      code: 'CONFIG_BAD_VALUE',
      message: `[Control] SOCKET: the control socket path ${path} is ${bytes} bytes; Unix socket paths hold at most ${MAX_SOCKET_PATH_BYTES}: set [Control] SOCKET to a shorter path`,
    });
    assert.equal(existsSync(path), false);
  });

  it('creates a missing folder for the socket', async () => {
    const path = join(root, 'new', 'folder', 'p.sock');
    await started(fakeService(path, {}).server);
    assert.equal((await ask(path, { v: 1, op: 'ping' })).ok, true);
  });
});
