// How one service-log line reads: `TIME LEVEL message key=value` for people, one JSON object for machines.
import type { LogLevel } from '../config/settings.ts';

export type LogFields = Record<string, unknown>;
export type LogFormat = 'text' | 'json';

export interface LogEntry {
  time: number;
  level: LogLevel;
  message: string;
  fields?: LogFields;
}

/** One line, without its newline. Never throws: a value that cannot be shown becomes its String(). */
export function formatLogLine(entry: LogEntry, format: LogFormat): string {
  const time = new Date(entry.time).toISOString();
  if (format === 'json') {
    const out: Record<string, unknown> = { time, level: entry.level, msg: entry.message };
    for (const [key, value] of Object.entries(entry.fields ?? {})) {
      out[key in out ? `field.${key}` : key] = plainValue(value);
    }
    return safeStringify(out);
  }
  let line = `${time} ${entry.level.toUpperCase().padEnd(5)} ${entry.message.replace(/\r?\n/g, '\\n')}`;
  for (const [key, value] of Object.entries(entry.fields ?? {})) {
    if (value === undefined) continue;
    line += ` ${key}=${textValue(plainValue(value))}`;
  }
  return line;
}

function plainValue(value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** Bare when it is one plain word, quoted (JSON string rules) otherwise. */
function textValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"'=\\]+$/.test(value) ? value : JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return safeStringify(value);
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return JSON.stringify(String(value));
  }
}
