// Rewords cron-parser's errors into one sentence naming the field: "minute 61 is out of range 0-59".
// cron-parser does not say which field failed, so each field is re-parsed alone to find the culprit.
import { CronExpressionParser } from 'cron-parser';

const FIELD_NAMES = ['second', 'minute', 'hour', 'day of month', 'month', 'day of week'] as const;
const NEUTRAL_FIELDS = ['0', '*', '*', '*', '*', '*'] as const;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The index of the first field that fails on its own, with its error, or undefined when only the mix fails. */
function findBadField(
  fields: readonly string[],
  hashSeed: string | undefined,
): { index: number; message: string } | undefined {
  for (let index = 0; index < fields.length; index++) {
    const alone = NEUTRAL_FIELDS.map((neutral, i) => (i === index ? (fields[i] ?? neutral) : neutral));
    try {
      CronExpressionParser.parse(alone.join(' '), { tz: 'UTC', hashSeed });
    } catch (error) {
      return { index, message: messageOf(error) };
    }
  }
  return undefined;
}

function reasonFor(field: string, raw: string, message: string): string {
  let m: RegExpMatchArray | null;
  if ((m = /got value (\S+) expected range (\d+-\d+)/.exec(message))) return `${field} ${m[1]} is out of range ${m[2]}`;
  if ((m = /got range (\S+) expected range (\d+-\d+)/.exec(message)))
    return `${field} range ${m[1]} is out of range ${m[2]}`;
  if ((m = /Invalid range: (\S+), outside the (\d+-\d+) range/.exec(message)))
    return `${field} range ${m[1]} is out of range ${m[2]}`;
  if (/cannot repeat at every|must be positive/.test(message)) return `${field} '${raw}': a step must be at least 1`;
  if ((m = /Invalid range: (\d+-\d+), min/.exec(message))) return `${field} range ${m[1]} runs backwards`;
  if ((m = /duplicate values found: (\S+)/.exec(message))) return `${field} ${m[1]} is listed twice in '${raw}'`;
  if (/standalone L/.test(message))
    return `${field} 'L' needs a weekday before it (5L is the last Friday of the month)`;
  if (/occurrence number|special characters are incompatible/.test(message)) {
    return `${field} '${raw}': # takes one weekday and an occurrence 1-5 (5#2 is the second Friday), with no list or L`;
  }
  if (/Invalid characters|Invalid range|Invalid list|Invalid repeat|Invalid wildcard/.test(message)) {
    return `${field} '${raw}' is not a number, name, range (1-5), step (*/15) or list (1,15)`;
  }
  return `${field} '${raw}': ${message}`;
}

/** The reason a six-field expression (seconds first) was rejected, without the quoted expression. */
export function explainCronError(fields: readonly string[], error: unknown, hashSeed: string | undefined): string {
  const message = messageOf(error);
  const bad = findBadField(fields, hashSeed);
  if (bad) {
    const field = FIELD_NAMES[bad.index] ?? 'field';
    return reasonFor(field, fields[bad.index] ?? '', bad.message);
  }
  if (/Invalid explicit day of month/.test(message)) {
    return `day of month ${fields[3]} never occurs in month ${fields[4]}`;
  }
  return message;
}
