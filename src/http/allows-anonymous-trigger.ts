// hoocron's users start jobs with a bare `curl localhost:5152/JOB`. A job with `http_trigger_auth = none` allows that
// without the token, but only on a loopback API (so only this machine can reach it) and only for a request that
// looks like curl's: nothing a browser adds (Origin, Referer, any Sec-Fetch-* header: a page's <img> or form, a
// link clicked in a mail) and nothing a proxy adds (Forwarded, X-Forwarded-*, Via: the request came from elsewhere).
import type { IncomingMessage } from 'node:http';
import { isLoopback } from './is-loopback.ts';

const FROM_ELSEWHERE = /^(?:origin|referer|sec-fetch-.*|forwarded|x-forwarded-.*|via)$/;

export function allowsAnonymousTrigger(req: IncomingMessage, listenHost: string): boolean {
  if (!isLoopback(listenHost)) return false;
  return !Object.keys(req.headers).some((name) => FROM_ELSEWHERE.test(name));
}
