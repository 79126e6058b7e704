// Whether a request carries the service's token as `Authorization: Bearer TOKEN`, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

export type BearerCheck = 'ok' | 'missing' | 'wrong';

export function checkBearer(header: string | undefined, token: string): BearerCheck {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return 'missing';
  // NOTE: hashing first gives equal-length buffers, so neither the length nor the content leaks through timing.
  const given = createHash('sha256').update(match[1]).digest();
  const wanted = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, wanted) ? 'ok' : 'wrong';
}
