// Reads a request body up to a limit and a deadline: a body over the limit is a 413, a slow one a 408.
import type { IncomingMessage } from 'node:http';
import { PycronError } from '../errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

export function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: PycronError): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) done(tooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = (): void => done();
    const onError = (error: Error): void =>
      done(new PycronError('BAD_REQUEST', { reason: `the request body could not be read: ${error.message}` }));
    const timer = setTimeout(
      () => done(new PycronError('HTTP_TIMEOUT', { reason: `the request body did not arrive within ${timeoutMs} ms` })),
      timeoutMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(limit: number): PycronError {
  return new PycronError('HTTP_BODY_TOO_LARGE', { reason: `the request body is over ${limit / 1024} KiB` });
}
