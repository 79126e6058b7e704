// Reads a duration as people write it in job.ini and config: `90s`, `5m`, `1h30m`, `1.5h`, `250ms`, `2d`, or a
// plain number of seconds. Units must run from largest to smallest, each at most once, so `30m1h` is a typo.

export type DurationResult = { ok: true; ms: number } | { ok: false; error: string };

const UNIT_MS: Readonly<Record<string, number>> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const UNIT_ORDER = ['d', 'h', 'm', 's', 'ms'];
// `ms` before `m` in the alternation so `250ms` is not read as 250 minutes then a stray `s`.
const PART = /(\d+(?:\.\d+)?)\s*(ms|d|h|m|s)/y;
const PLAIN_SECONDS = /^\d+(?:\.\d+)?$/;

export const DURATION_EXPECTED = 'a duration such as 90s, 5m, 1h30m or a number of seconds';

/** Parses `text` into milliseconds (rounded to a whole ms). Never throws. */
export function parseDuration(text: string): DurationResult {
  const trimmed = text.trim();
  const fail = (): DurationResult => ({ ok: false, error: `expected ${DURATION_EXPECTED}, got '${text}'` });
  if (trimmed === '') return fail();
  if (PLAIN_SECONDS.test(trimmed)) return checked(Number(trimmed) * 1000, fail);

  let total = 0;
  let lastUnitIndex = -1;
  let at = 0;
  while (at < trimmed.length) {
    PART.lastIndex = at;
    const match = PART.exec(trimmed);
    if (!match) return fail();
    const unit = match[2] as string;
    const unitIndex = UNIT_ORDER.indexOf(unit);
    if (unitIndex <= lastUnitIndex) return fail();
    lastUnitIndex = unitIndex;
    total += Number(match[1]) * (UNIT_MS[unit] as number);
    at = PART.lastIndex;
    while (trimmed[at] === ' ') at++;
  }
  return checked(total, fail);
}

function checked(ms: number, fail: () => DurationResult): DurationResult {
  return Number.isFinite(ms) && ms <= Number.MAX_SAFE_INTEGER ? { ok: true, ms: Math.round(ms) } : fail();
}
