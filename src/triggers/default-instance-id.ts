// The name a service goes by on Redis and MQTT when config.ini gives none. It must be the same after a restart (a
// crash's leftovers are found under it) and differ between services: the host's name and a hash of the state file,
// which no two running services share (the state lock).
import { createHash } from 'node:crypto';

/** `HOST-HASH8`, for example `gateway-3-5f0c2a91`; characters outside [A-Za-z0-9._-] in the host name become `-`. */
export function defaultInstanceId(host: string, stateFile: string): string {
  const hash = createHash('sha256').update(stateFile).digest('hex').slice(0, 8);
  const safeHost = host.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 60) || 'host';
  return `${safeHost}-${hash}`;
}
