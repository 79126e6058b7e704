// hoocron's users start jobs with a bare `curl localhost:5152/JOB`. A job with `http_trigger_auth = none` allows that
// without the token, but only on a loopback API (so only this machine can reach it) and only for a request that no
// web page made: a browser adds Origin or Sec-Fetch-Site to what a page sends (an <img> or a form), curl sends neither.
import type { IncomingMessage } from 'node:http';
import { isLoopback } from './is-loopback.ts';

export function allowsAnonymousTrigger(req: IncomingMessage, listenHost: string): boolean {
  if (!isLoopback(listenHost)) return false;
  if (req.headers.origin !== undefined) return false;
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'none';
}
