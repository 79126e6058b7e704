// Where a command on this host reaches the HTTP API that [HTTP] LISTEN describes.
import type { HttpListen } from '../http/parse-http-listen.ts';

/** A wildcard address (0.0.0.0, ::) is reached on loopback. */
export function httpBaseUrl(listen: HttpListen): string {
  const host = listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host === '::' ? '::1' : listen.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${listen.port}`;
}
