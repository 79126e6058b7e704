// The SSE fan-out on its own: heartbeats, and a client that stops reading is dropped rather than buffered.
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ServiceEventBus } from '../../src/events.ts';
import { EventStream } from '../../src/http/event-stream.ts';

describe('EventStream', () => {
  let server: Server;
  let stream: EventStream;
  const events = new ServiceEventBus();
  let port = 0;
  before(async () => {
    stream = new EventStream(events, { heartbeatMs: 50, maxBufferedBytes: 64 * 1024 });
    server = createServer((_req, res) => stream.add(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    stream.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends events and a heartbeat comment to a reading client', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port }, (res) => {
        // NOTE: only once the client is connected: an event emitted before would never reach it (a hang under load).
        events.emit('job:paused', { job: 'a', paused: true });
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.includes(': heartbeat') && body.includes('event: job:paused')) {
            req.destroy();
            resolve(body);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    assert.match(text, /^: connected\nretry: 2000\n\n/);
    assert.match(text, /id: \d+\nevent: job:paused\ndata: \{"job":"a","paused":true\}\n\n/);
  });

  it('drops a client that does not read, instead of buffering without bound', async () => {
    const before = stream.dropped;
    const req = request({ host: '127.0.0.1', port });
    const opened = new Promise<void>((resolve) =>
      req.on('response', (res) => {
        res.pause();
        resolve();
      }),
    );
    req.on('error', () => {});
    req.end();
    await opened;
    while (stream.clientCount === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const job = 'x'.repeat(1000);
    for (let i = 0; i < 50_000 && stream.clientCount > 0; i++) {
      events.emit('job:paused', { job, paused: true });
      if (i % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(stream.clientCount, 0);
    assert.equal(stream.dropped, before + 1);
    req.destroy();
  });
});
