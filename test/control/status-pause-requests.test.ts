// The control socket's status, pause and resume requests with fake handlers: the replies' shape, unknown jobs, bad
// fields, a failing handler, and a status reply far over the trigger's 1 MiB bound that still arrives whole.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { ControlServer, type ControlHandlers } from '../../src/control/control-server.ts';
import { MAX_REPLY_BYTES, sendControlRequest } from '../../src/control/send-control-request.ts';
import { PycronError } from '../../src/errors.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import { ask, fakeJobView, fakeService, talk } from './socket-talk.ts';

let root: string;
let counter = 0;
const servers: ControlServer[] = [];
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

/** Handlers whose status and pause come from the test; trigger and resume are never reached here. */
function handlers(overrides: Partial<ControlHandlers>): ControlHandlers {
  const unused = (): never => assert.fail('not asked');
  return { hasJob: () => true, trigger: unused, status: unused, pause: unused, resume: unused, ...overrides };
}

describe('control socket: status, pause and resume', () => {
  it('status: pid, version, uptime, the jobs as the service describes them, and the diagnostics', async () => {
    const path = socketPath();
    await started(fakeService(path, { backup: { kind: 'started', message: 'ok' } }).server);
    const reply = await ask(path, { v: 1, op: 'status', id: 's' });
    assert.equal(typeof reply.uptime_s, 'number');
    assert.deepEqual(
      { ...reply, uptime_s: 0 },
      {
        ok: true,
        pid: process.pid,
        version: '9.9.9-test',
        uptime_s: 0,
        jobs: [fakeJobView('backup', false)],
        diagnostics: [{ severity: 'error', code: 'JOB_INVALID', path: '/jobs/broken', message: 'no runnable file' }],
        id: 's',
      },
    );
  });

  it('pause and resume answer the job as it is afterwards; status agrees', async () => {
    const path = socketPath();
    const { server, paused } = fakeService(path, { backup: { kind: 'started', message: 'ok' } });
    await started(server);
    assert.deepEqual(await ask(path, { v: 1, op: 'pause', job: 'backup', id: 1 }), {
      ok: true,
      job: fakeJobView('backup', true),
      id: 1,
    });
    assert.deepEqual([...paused], ['backup']);
    assert.deepEqual((await ask(path, { v: 1, op: 'status' })).jobs, [fakeJobView('backup', true)]);
    assert.deepEqual(await ask(path, { v: 1, op: 'resume', job: 'backup' }), {
      ok: true,
      job: fakeJobView('backup', false),
    });
    assert.deepEqual([...paused], []);
  });

  it('an unknown job is JOB_NOT_FOUND, and nothing is paused', async () => {
    const path = socketPath();
    const { server, paused } = fakeService(path, {});
    await started(server);
    const { replies } = await talk(
      path,
      `${JSON.stringify({ v: 1, op: 'pause', job: 'nope' })}\n${JSON.stringify({ v: 1, op: 'resume', job: 'nope' })}\n`,
      2,
    );
    const notFound = { ok: false, code: 'JOB_NOT_FOUND', message: "no job named 'nope' in this service" };
    assert.deepEqual(replies, [notFound, notFound]);
    assert.equal(paused.size, 0);
  });

  it('bad fields are BAD_REQUEST, saying what each op takes', async () => {
    const path = socketPath();
    await started(fakeService(path, { j: { kind: 'started', message: 'ok' } }).server);
    const cases: [unknown, string][] = [
      [{ v: 1, op: 'status', job: 'j' }, "unknown field 'job' (status takes v, op, id)"],
      [
        { v: 1, op: 'pause' },
        'job: expected a job name of 1 to 255 characters without control characters, got nothing',
      ],
      [{ v: 1, op: 'resume', job: 'j', args: [] }, "unknown field 'args' (resume takes v, op, id, job)"],
      [
        { v: 1, op: 'pause', job: 'a\nb' },
        'job: expected a job name of 1 to 255 characters without control characters, got "a\\nb"',
      ],
    ];
    const { replies } = await talk(
      path,
      cases.map(([request]) => `${JSON.stringify(request)}\n`).join(''),
      cases.length,
    );
    assert.deepEqual(
      replies,
      cases.map(([, message]) => ({ ok: false, code: 'BAD_REQUEST', message })),
    );
  });

  it('a failing handler: INTERNAL for a bug (logged), its own code for a PycronError', async () => {
    const path = socketPath();
    const logger = new MemoryServiceLogger();
    const server = new ControlServer({
      path,
      logger,
      handlers: handlers({
        status: () => {
          throw new Error('catalog exploded');
        },
        pause: () => {
          throw new PycronError('STATE_WRITE_FAILED', { reason: 'the state file cannot be written' });
        },
      }),
    });
    await started(server);
    assert.deepEqual(await ask(path, { v: 1, op: 'status' }), {
      ok: false,
      code: 'INTERNAL',
      message: 'the service failed to describe its jobs: catalog exploded',
    });
    assert.deepEqual(await ask(path, { v: 1, op: 'pause', job: 'j' }), {
      ok: false,
      code: 'STATE_WRITE_FAILED',
      message: 'the state file cannot be written',
    });
    assert.ok(logger.entries.some((e) => e.level === 'error' && e.message.includes('catalog exploded')));
  });

  it('a status of many jobs (over 1 MiB) goes out whole; the client takes it when it allows that size', async () => {
    const path = socketPath();
    const jobs = Array.from({ length: 8000 }, (_, i) => fakeJobView(`job-${String(i).padStart(5, '0')}`, false));
    await started(new ControlServer({ path, handlers: handlers({ status: () => ({ jobs, diagnostics: [] }) }) }));
    const reply = await sendControlRequest(path, { op: 'status' }, { maxReplyBytes: 64 * 1024 * 1024 });
    assert.ok(JSON.stringify(reply).length > MAX_REPLY_BYTES);
    assert.deepEqual('jobs' in reply ? reply.jobs : undefined, jobs);
    await assert.rejects(sendControlRequest(path, { op: 'status' }), {
      code: 'SERVICE_UNREACHABLE',
      message: `the reply on ${path} is not a pycron reply (too long)`,
    });
  });
});
