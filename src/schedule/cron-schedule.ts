// Cron schedules: 5 fields, 6 (seconds first), @aliases and kopf shorthand (1-2 fields, minute first).
// cron-parser validates the fields; the next instant is computed here on local wall time with cronie's DST rules.
import { CronExpressionParser } from 'cron-parser';
import type { CronFieldCollection } from 'cron-parser';
import type { Schedule } from './schedule.ts';
import type { ParsedSchedule } from './parse-schedule.ts';
import { createCronMatcher } from './cron-matcher.ts';
import { explainCronError } from './cron-error-message.ts';
import { describeCron } from './describe-cron.ts';
import { nextWallInstant } from './next-wall-instant.ts';
import type { DstRule, WallMatcher } from './next-wall-instant.ts';
import type { DstGapPolicy } from './zone-time.ts';

export interface CronOptions {
  /** Seed for `H` (hashed) fields, normally the job's name. Without it `H` is rejected: it would be random. */
  hashSeed?: string;
  /** Fixed-time slots in a spring-forward gap: `run_after` (default, cronie) or `skip` (not that day). */
  dstGap?: DstGapPolicy;
}

const ALIASES: Readonly<Record<string, string>> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

interface CompiledCron {
  fields: CronFieldCollection;
  match: WallMatcher;
}

/** Compiled fields by expression: 10,000 jobs share few expressions, and cron-parser takes ~0.1 ms per parse. */
const compiled = new Map<string, CompiledCron>();
const MAX_CACHED_FIELDS = 5_000;

class CronSchedule implements Schedule {
  readonly kind = 'cron';
  private readonly rule: DstRule;

  constructor(
    readonly expression: string,
    readonly timezone: string,
    private readonly raw: readonly string[],
    private readonly fields: CronFieldCollection,
    private readonly match: WallMatcher,
    private readonly gap: DstGapPolicy,
  ) {
    // cronie: a job whose minute or hour field starts with `*` is a "wildcard" job and follows real time;
    // the others are fixed-time jobs that run once per local slot.
    const wildcard = (raw[1] ?? '*').startsWith('*') || (raw[2] ?? '*').startsWith('*');
    this.rule = wildcard ? 'elapsed' : 'fixed-time';
  }

  next(afterMs: number): number | undefined {
    return nextWallInstant(this.timezone, afterMs, this.match, this.rule, this.gap);
  }

  describe(): string {
    return describeCron(this.expression, this.raw, this.fields, this.timezone);
  }
}

/** Six fields (seconds first) for a cron text, or the reason it has the wrong number of fields. */
function toSixFields(text: string): string[] | string {
  const alias = ALIASES[text.toLowerCase()];
  if (alias !== undefined) return ['0', ...alias.split(' ')];
  if (text.startsWith('@'))
    return `unknown alias ${text} (known: @hourly @daily @midnight @weekly @monthly @yearly @annually @reboot)`;
  const fields = text.split(/\s+/);
  switch (fields.length) {
    case 1:
    case 2:
      // kopf shorthand: the fields given are the leftmost ones, minute first; the rest are `*`.
      return ['0', ...fields, ...Array<string>(5 - fields.length).fill('*')];
    case 3:
    case 4:
      return `${fields.length} fields is ambiguous; write 5 fields (minute hour day month weekday), or 1-2 for kopf shorthand`;
    case 5:
      return ['0', ...fields];
    case 6:
      return fields;
    default:
      return `${fields.length} fields is too many; write 5 fields (minute hour day month weekday), or 6 with seconds first`;
  }
}

/** Parses a cron text (already trimmed, TZ prefix removed) in a zone already validated. */
export function parseCron(expression: string, timezone: string, options: CronOptions = {}): ParsedSchedule {
  const fail = (reason: string): ParsedSchedule => ({ ok: false, error: `'${expression}': ${reason}` });
  const raw = toSixFields(expression);
  if (typeof raw === 'string') return fail(raw);
  // No month or weekday name starts with H, so a list item starting with H is a hashed value.
  if (options.hashSeed === undefined && raw.some((field) => field.split(',').some((item) => /^H/i.test(item)))) {
    return fail('H (hashed) values need a job name to hash, which is not known here');
  }
  const key = `${options.hashSeed ?? ''}\n${raw.join(' ')}`;
  let entry = compiled.get(key);
  if (!entry) {
    let fields: CronFieldCollection;
    try {
      // No tz option: the fields do not depend on it, and with one cron-parser's parse costs ~0.5 ms more.
      fields = CronExpressionParser.parse(raw.join(' '), { hashSeed: options.hashSeed }).fields;
    } catch (error) {
      return fail(explainCronError(raw, error, options.hashSeed));
    }
    const match = createCronMatcher(fields, { dayOfMonth: raw[3] ?? '*', dayOfWeek: raw[5] ?? '*' });
    entry = { fields, match };
    if (compiled.size >= MAX_CACHED_FIELDS) compiled.clear();
    compiled.set(key, entry);
  }
  return {
    ok: true,
    schedule: new CronSchedule(expression, timezone, raw, entry.fields, entry.match, options.dstGap ?? 'run_after'),
  };
}
