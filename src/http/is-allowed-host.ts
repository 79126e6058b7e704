// DNS rebinding guard: a web page whose name an attacker points at 127.0.0.1 is same-origin with the API in the
// victim's browser and could read job output. Such requests carry the attacker's name in Host, so a service bound
// to loopback (the default) answers only requests addressed to a loopback name. One bound to another address was
// opened to a network on purpose and is reached under names pycron cannot know: there the token guards changes.
import { isLoopback } from './is-loopback.ts';

export function isAllowedHost(hostHeader: string | undefined, listenHost: string): boolean {
  if (!isLoopback(listenHost)) return true;
  // HTTP/1.0 clients may send no Host: they are not browsers following a rebound name.
  if (hostHeader === undefined || hostHeader === '') return true;
  return isLoopback(stripPort(hostHeader.toLowerCase()));
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon > 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}
