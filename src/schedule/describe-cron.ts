// A cron expression in plain words for the common shapes ("every 5 minutes", "at 02:30 every day (Europe/Berlin)");
// anything else falls back to quoting the expression with its zone.
import type { CronFieldCollection } from 'cron-parser';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

function isStar(raw: string): boolean {
  return raw === '*' || raw === '?';
}

function everyStep(raw: string): number | undefined {
  const m = /^\*\/(\d+)$/.exec(raw);
  return m ? Number(m[1]) : undefined;
}

function isPlainList(raw: string): boolean {
  return /^\d+(,\d+)*$/.test(raw);
}

function plural(count: number, unit: string): string {
  return count === 1 ? `every ${unit}` : `every ${count} ${unit}s`;
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "every day", "every Monday", "on Monday to Friday", "on day 1 of every month", or undefined when too odd. */
function describeDays(raw: readonly string[], fields: CronFieldCollection): string | undefined {
  const [, , , dom = '*', month = '*', dow = '*'] = raw;
  if (isStar(dom) && isStar(month) && isStar(dow)) return 'every day';
  if (isStar(dom) && isStar(month)) {
    if (fields.dayOfWeek.nthDay > 0 || !fields.dayOfWeek.values.every((v) => typeof v === 'number')) return undefined;
    const days = [...new Set((fields.dayOfWeek.values as number[]).map((v) => v % 7))].sort((a, b) => a - b);
    if (days.join() === '1,2,3,4,5') return 'on Monday to Friday';
    if (days.length === 1) return `every ${WEEKDAYS[days[0] ?? 0]}`;
    return `on ${joinWords(days.map((d) => WEEKDAYS[d] ?? String(d)))}`;
  }
  if (!isStar(dow) || !/^(\d+|L)$/.test(dom)) return undefined;
  const day = dom === 'L' ? 'the last day' : `day ${dom}`;
  if (isStar(month)) return `on ${day} of every month`;
  if (/^\d+$/.test(month) && dom !== 'L') return `every year on ${dom} ${MONTHS[Number(month) - 1] ?? month}`;
  return undefined;
}

/** Words for a cron schedule. `raw` holds six fields, seconds first (`0` when the user wrote five). */
export function describeCron(
  expression: string,
  raw: readonly string[],
  fields: CronFieldCollection,
  timezone: string,
): string {
  const [second = '0', minute = '*', hour = '*'] = raw;
  const fallback = `cron '${expression}' (${timezone})`;
  const days = describeDays(raw, fields);
  if (days === undefined) return fallback;
  const daily = days === 'every day';
  if (daily && isStar(hour) && isStar(minute)) {
    if (isStar(second)) return 'every second';
    const step = everyStep(second);
    if (step !== undefined) return plural(step, 'second');
    if (second === '0') return 'every minute';
    return fallback;
  }
  if (second !== '0') return fallback;
  const minuteStep = everyStep(minute);
  if (daily && isStar(hour) && minuteStep !== undefined) return plural(minuteStep, 'minute');
  if (!isPlainList(minute)) return fallback;
  const minutes = fields.minute.values;
  const minuteWords = minutes.length === 1 ? `minute ${minutes[0]}` : `minutes ${joinWords(minutes.map(String))}`;
  const hourStep = everyStep(hour);
  if (daily && isStar(hour)) return `at ${minuteWords} of every hour`;
  if (daily && hourStep !== undefined) return `at ${minuteWords} of every ${hourStep} hours (${timezone})`;
  if (!isPlainList(hour) || fields.hour.values.length * minutes.length > 4) return fallback;
  const times = fields.hour.values.flatMap((h) => minutes.map((m) => `${pad(h)}:${pad(m)}`));
  return `at ${joinWords(times)} ${days} (${timezone})`;
}
