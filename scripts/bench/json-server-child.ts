// Baseline of the API benchmark: a bare node:http server in a process of its own that answers every request with
// JSON.stringify of the same document pycron sent for GET /api/v1/jobs (and the headers sendJson sets), so the
// figure is what serializing and sending that body costs on this machine, with no job to describe.
// Usage: node json-server-child.ts BODY_FILE; prints the port on stdout, serves until killed.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const document: unknown = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const server = createServer((_req, res) => {
  const text = `${JSON.stringify(document)}\n`;
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});
