// One HTTP GET timed from the request to the last byte of the body, over a keep-alive connection, as a client
// polling the API would see it.
import { Agent, request } from 'node:http';

export interface TimedAnswer {
  status: number;
  body: string;
  bytes: number;
  /** Request written to last body byte received (performance.now() difference). */
  ms: number;
}

/** One connection, reused: the figures are the server's answer time, not TCP set-up. */
export const keepAliveAgent = new Agent({ keepAlive: true, maxSockets: 1 });

export function timedGet(port: number, path: string, agent: Agent = keepAliveAgent): Promise<TimedAnswer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const ms = performance.now() - started;
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, body: body.toString('utf8'), bytes: body.length, ms });
      });
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${path}: no answer within 30 s`)));
    req.on('error', reject);
    req.end();
  });
}
