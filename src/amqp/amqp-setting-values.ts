// The values of config.ini's [AMQP] and [Ticks] keys.
import { CronExpressionParser } from 'cron-parser';
import type { Parsed } from '../config/setting-values.ts';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(expected: string): Parsed<T> => ({ ok: false, expected });

/** An amqp:// or amqps:// URL with a host; empty: no AMQP. */
export function parseAmqpUrl(raw: string): Parsed<string | undefined> {
  const text = raw.trim();
  if (text === '') return ok(undefined);
  const expected = 'an amqp:// or amqps:// URL such as amqp://pycron@rabbit.example.org:5672/, or nothing (off)';
  try {
    const url = new URL(text);
    return ['amqp:', 'amqps:'].includes(url.protocol) && url.hostname !== '' ? ok(text) : fail(expected);
  } catch {
    return fail(expected);
  }
}

/** An exchange or queue name: printable ASCII without spaces, at most 255 bytes (AMQP's limit). */
export function parseAmqpName(raw: string): Parsed<string> {
  const text = raw.trim();
  return /^[A-Za-z0-9._:-]{1,255}$/.test(text)
    ? ok(text)
    : fail('a name of letters, digits, dot, underscore, colon and dash (pycron, hacron, cronq_results)');
}

/** A 5-field (or 6-field, with seconds) cron expression, as HACron's CRON_TIME. */
export function parseCronTime(raw: string): Parsed<string> {
  const text = raw.trim();
  const fields = text.split(/\s+/).length;
  if (fields !== 5 && fields !== 6)
    return fail("a cron expression of 5 fields (or 6 with seconds), such as '* * * * *'");
  try {
    CronExpressionParser.parse(text);
    return ok(text);
  } catch (error) {
    return fail(`a valid cron expression (${error instanceof Error ? error.message : String(error)})`);
  }
}
