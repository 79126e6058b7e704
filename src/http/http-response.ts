// Writing answers: JSON bodies, and errors as { "error": { "code", "message" } } with the status of their code.
import type { ServerResponse } from 'node:http';
import { ERROR_CODES, isPycronError, PycronError, type ErrorCode } from '../errors.ts';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Answers with the error's code and message; anything that is not a PycronError is an INTERNAL error. */
export function sendError(res: ServerResponse, error: unknown, headers: Record<string, string> = {}): void {
  const known = isPycronError(error)
    ? error
    : new PycronError('INTERNAL', { reason: `an unexpected error: ${String(error)}` });
  sendJson(res, httpStatusOf(known.code), { error: { code: known.code, message: known.message } }, headers);
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].http;
}
