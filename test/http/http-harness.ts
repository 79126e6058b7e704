// A real service on temporary folders, in this process, with the HTTP server on 127.0.0.1 port 0, and a raw HTTP
// client (node:http keeps paths such as /../../etc/passwd as written, where fetch would normalise them).
import { request as httpRequest } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings } from '../../src/config/load-settings.ts';
import { HttpServer, type HttpServerOptions } from '../../src/http/http-server.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import { startService, type Service } from '../../src/service/start-service.ts';
import { makeTempDir, removeTempDir } from '../support/cli-process.ts';
import { writeScript, writeServiceFolder, type ServiceFolder } from '../support/service-folder.ts';

export const TOKEN = 'test-token-0123456789abcdef';

export interface Harness {
  service: Service;
  server: HttpServer;
  port: number;
  folder: ServiceFolder;
  logger: MemoryServiceLogger;
  /** Starts another HttpServer on the same service (closed with the harness). */
  extraServer(options: Partial<HttpServerOptions>): Promise<number>;
  close(): Promise<void>;
}

/** Writes JOBS/name/run.sh and job.ini. */
export function writeIniJob(jobs: string, name: string, ini: string, body: string): void {
  const dir = join(jobs, name);
  mkdirSync(dir, { recursive: true });
  writeScript(join(dir, 'run.sh'), body);
  writeFileSync(join(dir, 'job.ini'), `${ini}\n`);
}

export async function startHarness(
  setup: (folder: ServiceFolder) => void,
  options: Partial<HttpServerOptions> = {},
): Promise<Harness> {
  const root = await makeTempDir();
  const folder = writeServiceFolder(root, '[Control]\nSOCKET =\n');
  setup(folder);
  const { settings, diagnostics } = loadSettings({ configPath: folder.config, flags: {}, cwd: root });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
  const logger = new MemoryServiceLogger();
  const service = await startService(settings, { logger, bootId: 'test-boot' });
  const servers: HttpServer[] = [];
  const open = async (extra: Partial<HttpServerOptions>): Promise<number> => {
    const server = new HttpServer({
      service,
      logger,
      listen: { host: '127.0.0.1', port: 0 },
      token: TOKEN,
      ...options,
      ...extra,
    });
    servers.push(server);
    return (await server.start()).port;
  };
  const port = await open({});
  return {
    service,
    server: servers[0] as HttpServer,
    port,
    folder,
    logger,
    extraServer: open,
    async close() {
      await Promise.all(servers.map((s) => s.close()));
      await service.stop();
      await removeTempDir(root);
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field
  json(): any;
}

export function call(
  port: number,
  method: string,
  path: string,
  options: { token?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    // NOTE: a server that never answers would hold the test on this socket for good: give up and say so.
    req.setTimeout(30_000, () =>
      req.destroy(new Error(`timed out after 30000 ms waiting for the answer to ${method} ${path} on port ${port}`)),
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** One Server-Sent Events message, with when it arrived. */
export interface SseMessage {
  event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked field by field
  data: any;
  arrivedAt: number;
}

/** Opens GET /api/v1/events and hands each message to `onMessage`; resolves once the stream is open. */
export function openEvents(port: number, onMessage: (message: SseMessage) => void): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/api/v1/events' }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const arrivedAt = Date.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) onMessage({ event, data: JSON.parse(data), arrivedAt });
        }
      });
      res.on('error', () => {});
      resolve({ close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}
