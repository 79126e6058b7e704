// [HTTP] LISTEN and TOKEN values: where the HTTP server binds (or that it is off), and a token long enough to guess
// at no faster than the network allows. Pure: the token file is read by readHttpToken at start.
import { isIP } from 'node:net';
import type { Parsed } from '../config/setting-values.ts';

export interface HttpListen {
  /** An IP address: 127.0.0.1, ::1, 0.0.0.0, or a host name such as localhost. */
  host: string;
  /** 0 lets the system pick a free port (tests). */
  port: number;
}

export const LISTEN_EXPECTED = 'HOST:PORT (127.0.0.1:5152, [::1]:5152), a port alone (5152, on 127.0.0.1), or off';

/** The shortest token accepted: 16 characters. */
export const MIN_TOKEN_CHARS = 16;

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

/** `127.0.0.1:5152`, `[::1]:5152`, `localhost:8080`, `5152` (loopback), `off` or empty: null (no server). */
export function parseHttpListen(raw: string): Parsed<HttpListen | null> {
  const fail: Parsed<HttpListen | null> = { ok: false, expected: LISTEN_EXPECTED };
  const text = raw.trim();
  if (text === '' || text.toLowerCase() === 'off') return { ok: true, value: null };
  let host = '127.0.0.1';
  let portText = text;
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2] ?? '';
    if (isIP(host) !== 6) return fail;
  } else if (text.includes(':')) {
    const at = text.lastIndexOf(':');
    host = text.slice(0, at);
    portText = text.slice(at + 1);
    if (host.includes(':')) return fail; // an IPv6 address needs its brackets
    if (isIP(host) !== 4 && !HOST_NAME.test(host)) return fail;
  }
  if (!/^\d{1,5}$/.test(portText)) return fail;
  const port = Number(portText);
  if (port > 65535) return fail;
  return { ok: true, value: { host, port } };
}

/** A token of at least MIN_TOKEN_CHARS printable characters without spaces (it travels in an HTTP header). */
export function parseHttpToken(raw: string): Parsed<string> {
  const token = raw.trim();
  const expected = `a token of at least ${MIN_TOKEN_CHARS} printable ASCII characters without spaces (for example from: openssl rand -hex 24)`;
  if (token.length < MIN_TOKEN_CHARS || !/^[\x21-\x7e]+$/.test(token)) return { ok: false, expected };
  return { ok: true, value: token };
}
