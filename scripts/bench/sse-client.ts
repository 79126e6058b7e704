// One client of GET /api/v1/events for the sse benchmark: its own connection, and for every run:finished message
// the run id, the run's ended_at and the instant the chunk holding it arrived (Date.now(), the clock ended_at is on).
import { request, type ClientRequest } from 'node:http';

export interface SseDelivery {
  endedAt: number;
  receivedAt: number;
}

export class SseClient {
  /** run:finished messages by run id. */
  readonly deliveries = new Map<string, SseDelivery>();
  /** The stream ended or failed before close() was called. */
  droppedAt: number | undefined;
  readonly connected: Promise<void>;
  private readonly req: ClientRequest;
  private pending = '';
  private closing = false;

  constructor(port: number) {
    let connected!: () => void;
    let failed!: (error: Error) => void;
    this.connected = new Promise((resolve, reject) => ((connected = resolve), (failed = reject)));
    // NOTE: agent false: every client holds a connection of its own, as 100 browsers would.
    this.req = request({ host: '127.0.0.1', port, path: '/api/v1/events', agent: false }, (res) => {
      if (res.statusCode !== 200) failed(new Error(`GET /api/v1/events answered ${res.statusCode}`));
      res.setEncoding('utf8');
      // The ': connected' comment comes with the headers: from here on the client is in the service's set.
      res.once('data', () => connected());
      res.on('data', (chunk: string) => this.receive(chunk, Date.now()));
      res.on('end', () => this.lost());
      res.on('error', () => this.lost());
    });
    this.req.on('error', (error) => {
      this.lost();
      failed(error);
    });
    this.req.end();
  }

  close(): void {
    this.closing = true;
    this.req.destroy();
  }

  private lost(): void {
    if (!this.closing) this.droppedAt ??= Date.now();
  }

  private receive(chunk: string, receivedAt: number): void {
    const messages = (this.pending + chunk).split('\n\n');
    this.pending = messages.pop() ?? '';
    for (const message of messages) {
      if (!message.includes('event: run:finished\n')) continue;
      // Two fields of the record, found by key: parsing ~1 KB of JSON per message and client would load the bench.
      const runId = /"run_id":"([^"]+)"/.exec(message)?.[1];
      const endedAt = /"ended_at":"([^"]+)"/.exec(message)?.[1];
      if (runId && endedAt) this.deliveries.set(runId, { endedAt: Date.parse(endedAt), receivedAt });
    }
  }
}
