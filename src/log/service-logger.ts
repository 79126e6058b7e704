// The service log on stderr (or a given stream): one line per event at LOG_LEVEL and above, text or JSON.
// A disabled level returns before anything is formatted, so debug calls cost nothing in production.
import winston from 'winston';
import type { LogLevel } from '../config/settings.ts';
import { formatLogLine } from './format-log-line.ts';
import type { LogFields, LogFormat } from './format-log-line.ts';

export interface ServiceLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Lets a caller skip building costly fields for a level that is off. */
  isEnabled(level: LogLevel): boolean;
  /** Resolves when every line logged so far has been handed to the stream. */
  close(): Promise<void>;
}

export interface ServiceLoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Default process.stderr. */
  stream?: NodeJS.WritableStream;
  now?: () => number;
}

/** Lower is more severe, as winston counts. */
export const LOG_LEVEL_RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export function createServiceLogger(opts: ServiceLoggerOptions): ServiceLogger {
  const now = opts.now ?? Date.now;
  const stream = opts.stream ?? process.stderr;
  const maxRank = LOG_LEVEL_RANK[opts.level];
  const transport = new winston.transports.Stream({ stream, eol: '\n' });
  const logger = winston.createLogger({
    levels: LOG_LEVEL_RANK,
    level: opts.level,
    // The line is formatted before winston sees it; winston only carries it to the stream.
    format: winston.format.printf((info) => String(info.message)),
    transports: [transport],
  });
  let closed = false;

  const log = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (LOG_LEVEL_RANK[level] > maxRank) return;
    const line = formatLogLine({ time: now(), level, message, fields }, opts.format);
    // After close, winston refuses writes: late lines go straight to the stream rather than being lost.
    if (closed) stream.write(`${line}\n`);
    else logger.log(level, line);
  };

  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    isEnabled: (level) => LOG_LEVEL_RANK[level] <= maxRank,
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => {
        // NOTE: the Stream transport writes synchronously in log(), so the logger's finish means every line
        // has reached the stream; the stream itself (stderr) is not ours to end.
        logger.once('finish', () => resolve());
        logger.end();
      });
    },
  };
}
