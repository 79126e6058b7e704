// The client side: every way of not getting a reply is SERVICE_UNREACHABLE with the socket path and the reason.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sendControlRequest } from '../../src/control/send-control-request.ts';
import { fakeService, makeStaleSocket } from './socket-talk.ts';

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'pycron-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A listener that does `onConnection` with each client instead of answering. */
async function withStranger(path: string, onConnection: (socket: net.Socket) => void, body: () => Promise<void>) {
  const server = net.createServer((socket) => onConnection(socket.resume()));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  try {
    await body();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const ping = { op: 'ping' } as const;

describe('sendControlRequest', () => {
  it('sends the request with the protocol version and resolves with the reply', async () => {
    const path = join(root, 'ok.sock');
    const { server, calls } = fakeService(path, { backup: { kind: 'started', message: 'go', runId: 'r1' } });
    await server.start();
    try {
      assert.deepEqual(
        await sendControlRequest(path, { op: 'trigger', job: 'backup', args: ['a b'], source: 'test' }),
        { ok: true, outcome: 'started', message: 'go', run_id: 'r1' },
      );
      assert.deepEqual(calls, [{ job: 'backup', args: ['a b'], source: 'test' }]);
    } finally {
      await server.close();
    }
  });

  it('no socket file: the service is not running, with the hint', async () => {
    const path = join(root, 'missing.sock');
    await assert.rejects(sendControlRequest(path, ping, { startHint: "start it with 'pycron -c x.ini'" }), {
      code: 'SERVICE_UNREACHABLE',
      message: `the service is not running: there is no control socket at ${path}; start it with 'pycron -c x.ini'`,
    });
  });

  it('a stale socket file: nothing answers', async () => {
    const path = join(root, 'stale.sock');
    await makeStaleSocket(path);
    await assert.rejects(sendControlRequest(path, ping), {
      code: 'SERVICE_UNREACHABLE',
      message: `the service is not running: nothing answers on ${path} (a socket file left behind)`,
    });
  });

  it('no reply in time', async () => {
    const path = join(root, 'silent.sock');
    await withStranger(
      path,
      () => {},
      async () => {
        await assert.rejects(sendControlRequest(path, ping, { timeoutMs: 200 }), {
          code: 'SERVICE_UNREACHABLE',
          message: `no reply from the service on ${path} within 200 ms`,
        });
      },
    );
  });

  it('a hang-up without a reply, and a reply that is not pycron', async () => {
    const path = join(root, 'rude.sock');
    await withStranger(
      path,
      (socket) => socket.end(),
      async () => {
        await assert.rejects(sendControlRequest(path, ping), {
          message: `the service closed the connection on ${path} without a reply`,
        });
      },
    );
    const other = join(root, 'other.sock');
    await withStranger(
      other,
      (socket) => socket.end('SSH-2.0-OpenSSH\n'),
      async () => {
        await assert.rejects(sendControlRequest(other, ping), {
          message: `the reply on ${other} is not a pycron reply (not JSON)`,
        });
      },
    );
  });
});
