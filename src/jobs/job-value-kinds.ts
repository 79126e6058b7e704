// The kinds of job.ini values (a word from a list, a bounded whole number, yes/no, a duration, a list of names):
// each parser gives the value or says what was expected, in words that end up in "expected ..., got '...'".
import type { Parsed } from '../config/setting-values.ts';
import { DURATION_EXPECTED, parseDuration } from './parse-duration.ts';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(expected: string): Parsed<T> => ({ ok: false, expected });

/** Node's timers hold at most 2^31-1 ms (24.8 days): a longer delay would fire after 1 ms. */
export const MAX_JOB_DURATION_MS = 24 * 86_400_000;

/** One of `words` (case-insensitive), given back as listed. */
export function choice<const W extends string>(words: readonly W[]) {
  const expected = words.length === 2 ? `${words[0]} or ${words[1]}` : `one of ${words.join(', ')}`;
  return (raw: string): Parsed<W> => {
    const text = raw.trim().toLowerCase();
    const word = words.find((w) => w === text);
    return word === undefined ? fail(expected) : ok(word);
  };
}

/** A whole number from `min` to `max`. */
export function wholeNumberIn(min: number, max: number) {
  const expected =
    max === Number.MAX_SAFE_INTEGER ? `a whole number of ${min} or more` : `a whole number from ${min} to ${max}`;
  return (raw: string): Parsed<number> => {
    const text = raw.trim();
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    return Number.isSafeInteger(value) && value >= min && value <= max ? ok(value) : fail(expected);
  };
}

const FLAG_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  yes: true,
  on: true,
  1: true,
  false: false,
  no: false,
  off: false,
  0: false,
};

export const FLAG_EXPECTED = 'true or false (or yes/no, on/off, 1/0)';

/** true/false, yes/no, on/off, 1/0 (case-insensitive). */
export function flag(raw: string): Parsed<boolean> {
  const word = raw.trim().toLowerCase();
  return Object.hasOwn(FLAG_WORDS, word) ? ok(FLAG_WORDS[word] as boolean) : fail(FLAG_EXPECTED);
}

/** A duration (`90s`, `5m`, `1h30m`, or seconds) in ms, above 0 or 0 and more, at most 24 days. */
export function duration(min: 'above0' | 'atLeast0') {
  const expected = `${DURATION_EXPECTED} (${min === 'above0' ? 'above 0' : '0 or more'}, at most 24 days)`;
  return (raw: string): Parsed<number> => {
    const parsed = parseDuration(raw);
    if (!parsed.ok || parsed.ms > MAX_JOB_DURATION_MS || (min === 'above0' && parsed.ms === 0)) return fail(expected);
    return ok(parsed.ms);
  };
}

/** Text that is not blank, trimmed. */
export function text(expected: string) {
  return (raw: string): Parsed<string> => (raw.trim() === '' ? fail(expected) : ok(raw.trim()));
}

/**
 * A comma-separated list, each item trimmed and checked; empty items are skipped, so `key =` is the empty list (it
 * overrides a list given by a proto or [Defaults]).
 */
export function commaList(expected: string, isItem: (item: string) => boolean) {
  return (raw: string): Parsed<string[]> => {
    const items = raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    return items.every(isItem) ? ok(items) : fail(`a comma-separated list of ${expected}`);
  };
}
