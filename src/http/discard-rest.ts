// After an answer to a refused request (413, 401 before the body), what is left of its body is read and dropped, up
// to a bound, so the client can read the answer; a longer body is cut off.
import type { IncomingMessage } from 'node:http';

const MAX_DISCARDED_BYTES = 1024 * 1024;

export function discardRest(req: IncomingMessage): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARDED_BYTES) req.destroy();
  });
  req.resume();
}
