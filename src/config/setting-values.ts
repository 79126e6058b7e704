// How one raw config value (a string from config.ini or a flag) becomes a typed value: each parser either gives the
// value or says what was expected, in words that end up in "expected ..., got '...'" messages.
import path from 'node:path';
import { MAX_SOCKET_PATH_BYTES } from '../control/socket-path.ts';
import type { LogLevel } from './settings.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

export interface ParseContext {
  /** Folder that relative paths resolve against: the config file's folder, or the cwd for flags. */
  baseDir: string;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(expected: string): Parsed<T> => ({ ok: false, expected });

/** A plain decimal: `5`, `0.25`, `.5`. No sign, no exponent, no unit, so `5m` or `1e3` are not quietly misread. */
function parseDecimal(raw: string): number | undefined {
  const text = raw.trim();
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** The longest delay a Node timer can hold; limits for durations come from it (2,000,000 s and 34,000 min fit). */
export const MAX_TIMER_MS = 2_147_483_647;

/** A duration in `unit` (seconds or minutes), fractions allowed, turned into whole milliseconds. */
export function durationMs(unit: 'seconds' | 'minutes', min: 'above0' | 'atLeast0') {
  const unitMs = unit === 'seconds' ? 1000 : 60_000;
  const maxText = unit === 'seconds' ? '2000000 seconds' : '34000 minutes';
  const expected = `a number of ${unit} ${min === 'above0' ? 'greater than 0' : 'of 0 or more'} and at most ${maxText}`;
  return (raw: string): Parsed<number> => {
    const value = parseDecimal(raw);
    if (value === undefined || (min === 'above0' && value === 0)) return fail(expected);
    // Node's timers take at most 2^31-1 ms (24.8 days); a longer one fires after 1 ms.
    if (value * unitMs > MAX_TIMER_MS) return fail(expected);
    // NOTE: 0.05 * 60000 is 3000.0000000000005: round, and keep a positive value positive.
    const ms = Math.round(value * unitMs);
    return ok(min === 'above0' ? Math.max(1, ms) : ms);
  };
}

/** A whole number of at least `min`. */
export function wholeNumber(noun: string, min: number) {
  return (raw: string): Parsed<number> => {
    const text = raw.trim();
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    return Number.isSafeInteger(value) && value >= min
      ? ok(value)
      : fail(`a whole number of ${noun} of ${min} or more`);
  };
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
};

/** A byte count between `min` and `max`, plain (`1048576`) or with a unit (`512KiB`, `1 MiB`, `2MB`). */
export function byteCount(min: number, max: number) {
  return (raw: string): Parsed<number> => {
    const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
    const unit = BYTE_UNITS[(match?.[2] ?? '').toLowerCase()];
    const value = match?.[1] !== undefined && unit !== undefined ? Number(match[1]) * unit : NaN;
    if (Number.isInteger(value) && value >= min && value <= max) return ok(value);
    return fail(`a number of bytes from ${min} to ${max} (or with a unit: 512KiB, 1MiB)`);
  };
}

const PYTHON_LEVELS: Record<string, LogLevel> = {
  notset: 'debug',
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  warn: 'warn',
  error: 'error',
  critical: 'error',
  fatal: 'error',
};

/**
 * A Python logging level name (PyCron's sample config says NOTSET, meaning everything: read as debug) or a Python
 * level number 0-50, which shows that level and above (15 shows INFO and up).
 */
export function parseLogLevel(raw: string): Parsed<LogLevel> {
  const text = raw.trim();
  const named = Object.hasOwn(PYTHON_LEVELS, text.toLowerCase()) ? PYTHON_LEVELS[text.toLowerCase()] : undefined;
  if (named) return ok(named);
  if (/^\d+$/.test(text) && Number(text) <= 50) {
    const n = Number(text);
    return ok(n <= 10 ? 'debug' : n <= 20 ? 'info' : n <= 30 ? 'warn' : 'error');
  }
  return fail('a log level (NOTSET, DEBUG, INFO, WARNING, ERROR, CRITICAL, or a number from 0 to 50)');
}

export function parseLogFormat(raw: string): Parsed<'text' | 'json'> {
  const text = raw.trim().toLowerCase();
  return text === 'text' || text === 'json' ? ok(text) : fail('text or json');
}

/** An IANA time zone, checked with Intl (cron libraries give misleading errors for bad zones); canonical case. */
export function parseTimezone(raw: string): Parsed<string> {
  const text = raw.trim();
  try {
    if (text === '') throw new RangeError('empty');
    return ok(new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone);
  } catch {
    return fail('an IANA time zone such as Europe/Berlin or UTC');
  }
}

/** The control socket's path, made absolute; empty turns the socket off (null). Unix bounds its length. */
export function parseSocketPath(raw: string, context: ParseContext): Parsed<string | null> {
  const text = raw.trim();
  if (text === '') return ok(null);
  const resolved = path.resolve(context.baseDir, text);
  return Buffer.byteLength(resolved) <= MAX_SOCKET_PATH_BYTES
    ? ok(resolved)
    : fail(
        `a socket path of at most ${MAX_SOCKET_PATH_BYTES} bytes once made absolute (a Unix limit), or nothing to turn the socket off`,
      );
}

/** A file or folder path, made absolute against the context's folder. */
export function parsePath(raw: string, context: ParseContext): Parsed<string> {
  const text = raw.trim();
  return text === '' ? fail('a path') : ok(path.resolve(context.baseDir, text));
}
