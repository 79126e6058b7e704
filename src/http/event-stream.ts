// GET /api/v1/events: the service's events as Server-Sent Events to every connected client. A heartbeat comment
// keeps proxies from closing idle streams; a client that does not read is dropped, never buffered without bound.
import type { ServerResponse } from 'node:http';
import type { ServiceEvents } from '../events.ts';
import type { HttpService } from './http-ports.ts';

export interface EventStreamOptions {
  heartbeatMs?: number;
  /** Bytes a client may leave unread before it is dropped. */
  maxBufferedBytes?: number;
}

/** What one SSE message says: its event name and JSON data. Output is left out: GET /api/v1/runs/{id} has it. */
type Message = { event: string; data: unknown };

export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxBufferedBytes: number;
  private nextId = 1;
  /** Clients dropped for not reading, since the start. */
  dropped = 0;

  constructor(events: HttpService['events'], options: EventStreamOptions = {}) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    const relay = <E extends keyof ServiceEvents>(event: E, view: (payload: ServiceEvents[E]) => Message): void => {
      this.unsubscribe.push(events.on(event, (payload) => this.broadcast(view(payload))));
    };
    relay('run:started', ({ firing, runId, pid }) => ({
      event: 'run:started',
      data: {
        job: firing.job,
        run_id: runId,
        pid,
        reason: firing.reason,
        scheduled_at: new Date(firing.scheduledAt).toISOString(),
      },
    }));
    relay('run:finished', ({ record }) => {
      const { output: _output, error: _error, ...rest } = record;
      return { event: 'run:finished', data: rest };
    });
    relay('job:added', ({ job }) => ({ event: 'job:added', data: { job: job.name } }));
    relay('job:changed', ({ job }) => ({ event: 'job:changed', data: { job: job.name } }));
    relay('job:removed', ({ job }) => ({ event: 'job:removed', data: { job: job.name } }));
    relay('job:paused', ({ job, paused }) => ({ event: 'job:paused', data: { job, paused } }));
    relay('jobs:diagnostics', ({ diagnostics }) => ({
      event: 'jobs:diagnostics',
      data: { errors: diagnostics.filter((d) => d.severity === 'error').length, count: diagnostics.length },
    }));
    // NOTE: a named event, not only a comment: a page cannot see comments, and needs the beat to notice a stream
    // that died silently (a laptop's sleep, a dropped NAT entry).
    this.heartbeat = setInterval(
      () => this.writeAll(': heartbeat\nevent: heartbeat\ndata: {}\n\n'),
      options.heartbeatMs ?? 15_000,
    );
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Takes over the response: headers now, then events until the client leaves or the stream closes. */
  add(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    res.write(': connected\nretry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const off of this.unsubscribe) off();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private broadcast(message: Message): void {
    if (this.clients.size === 0) return;
    const data = JSON.stringify(message.data);
    this.writeAll(`id: ${this.nextId++}\nevent: ${message.event}\ndata: ${data}\n\n`);
  }

  private writeAll(text: string): void {
    for (const res of this.clients) {
      if (res.writableLength > this.maxBufferedBytes) {
        this.dropped += 1;
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(text);
    }
  }
}
