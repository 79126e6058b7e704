// The values of config.ini's [Cluster] keys: each parser gives the value or says what was expected.
import type { Parsed } from '../config/setting-values.ts';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(expected: string): Parsed<T> => ({ ok: false, expected });

/** A postgres:// or postgresql:// URL with a host; empty: no cluster. */
export function parseDatabaseUrl(raw: string): Parsed<string | undefined> {
  const text = raw.trim();
  if (text === '') return ok(undefined);
  const expected = 'a postgres:// URL such as postgres://pycron@db.example.org:5432/pycron, or nothing (no cluster)';
  try {
    const url = new URL(text);
    return ['postgres:', 'postgresql:'].includes(url.protocol) && url.hostname !== '' ? ok(text) : fail(expected);
  } catch {
    return fail(expected);
  }
}

/** A schema name PostgreSQL takes unquoted: lower-case letters, digits and _, not starting with a digit. */
export function parseSchemaName(raw: string): Parsed<string> {
  const text = raw.trim();
  return /^[a-z_][a-z0-9_]{0,62}$/.test(text)
    ? ok(text)
    : fail('a schema name of lower-case letters, digits and underscores (pycron, pycron_staging)');
}

/** The lease in seconds (fractions allowed), from 0.2 s to 10 minutes; in ms. */
export function parseLease(raw: string): Parsed<number> {
  const text = raw.trim();
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  return value >= 0.2 && value <= 600
    ? ok(Math.round(value * 1000))
    : fail('a number of seconds from 0.2 to 600 (1.5, 5)');
}
