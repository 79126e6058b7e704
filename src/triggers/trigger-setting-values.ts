// The values of config.ini's [Redis] and [MQTT] keys: each parser gives the value or says what was expected, in words
// that end up in "expected ..., got '...'". Pure: password files are read when the triggers open.
import type { Parsed } from '../config/setting-values.ts';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(expected: string): Parsed<T> => ({ ok: false, expected });

/** A server URL with one of `schemes` and a host; empty turns the trigger source off (undefined). */
function serverUrl(schemes: readonly string[], example: string) {
  const expected = `a ${schemes.map((s) => `${s}://`).join(' or ')} URL such as ${example}, or nothing (off)`;
  return (raw: string): Parsed<string | undefined> => {
    const text = raw.trim();
    if (text === '') return ok(undefined);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return fail(expected);
    }
    return schemes.includes(url.protocol.slice(0, -1)) && url.hostname !== '' ? ok(text) : fail(expected);
  };
}

export const parseRedisUrl = serverUrl(['redis', 'rediss'], 'redis://127.0.0.1:6379/0');
export const parseMqttUrl = serverUrl(['mqtt', 'mqtts', 'ws', 'wss'], 'mqtt://127.0.0.1:1883');

/** A Redis key: printable, no spaces (so it can be typed in redis-cli as it is), at most 200 bytes. */
export function parseRedisKey(raw: string): Parsed<string> {
  const text = raw.trim();
  return /^[\x21-\x7e]{1,200}$/.test(text) ? ok(text) : fail('a Redis key name without spaces (hook, jobs:triggers)');
}

/** A name this service goes by (processing list, MQTT client id): letters, digits and . _ : -, at most 100. */
export function parseInstanceName(raw: string): Parsed<string> {
  const text = raw.trim();
  return /^[A-Za-z0-9._:-]{1,100}$/.test(text)
    ? ok(text)
    : fail('a name of letters, digits, dot, underscore, colon and dash, at most 100 characters');
}

/** An MQTT topic prefix without wildcards; a missing trailing slash is added (pycron/trigger is pycron/trigger/). */
export function parseTopicPrefix(raw: string): Parsed<string> {
  const text = raw.trim();
  if (text === '' || /[+#\0]/.test(text) || text.startsWith('$') || Buffer.byteLength(text) > 200)
    return fail('an MQTT topic prefix such as pycron/trigger/ (no + or #, not starting with $)');
  return ok(text.endsWith('/') ? text : `${text}/`);
}

/** A user name: not blank, trimmed. */
export function parseUserName(raw: string): Parsed<string> {
  const text = raw.trim();
  return text === '' ? fail('a user name') : ok(text);
}

/** Hides the password of a URL for the service log: redis://:secret@host becomes redis://:***@host. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(a URL that cannot be shown)';
  }
}
