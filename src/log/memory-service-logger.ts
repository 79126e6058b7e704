// The in-memory twin of the service logger for tests: keeps every entry and the line it would print.
import type { LogLevel } from '../config/settings.ts';
import { formatLogLine } from './format-log-line.ts';
import type { LogEntry, LogFields, LogFormat } from './format-log-line.ts';
import { LOG_LEVEL_RANK } from './service-logger.ts';
import type { ServiceLogger } from './service-logger.ts';

export class MemoryServiceLogger implements ServiceLogger {
  readonly entries: LogEntry[] = [];
  private readonly level: LogLevel;
  private readonly format: LogFormat;
  private readonly now: () => number;

  constructor(opts: { level?: LogLevel; format?: LogFormat; now?: () => number } = {}) {
    this.level = opts.level ?? 'debug';
    this.format = opts.format ?? 'text';
    this.now = opts.now ?? Date.now;
  }

  debug(message: string, fields?: LogFields): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log('error', message, fields);
  }

  isEnabled(level: LogLevel): boolean {
    return LOG_LEVEL_RANK[level] <= LOG_LEVEL_RANK[this.level];
  }

  async close(): Promise<void> {}

  /** The lines as the real logger would print them. */
  lines(): string[] {
    return this.entries.map((entry) => formatLogLine(entry, this.format));
  }

  /** Messages logged at `level`. */
  messages(level: LogLevel): string[] {
    return this.entries.filter((entry) => entry.level === level).map((entry) => entry.message);
  }

  private log(level: LogLevel, message: string, fields?: LogFields): void {
    if (!this.isEnabled(level)) return;
    this.entries.push(
      fields === undefined ? { time: this.now(), level, message } : { time: this.now(), level, message, fields },
    );
  }
}
