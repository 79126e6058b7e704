// `--timeout SECONDS` of the commands that ask the running service something, checked, in milliseconds.
import { DEFAULT_REPLY_TIMEOUT_MS } from '../control/send-control-request.ts';
import { PycronError } from '../errors.ts';

const MAX_TIMEOUT_SECONDS = 3600;

export function replyTimeoutMs(seconds: number | undefined): number {
  if (seconds === undefined) return DEFAULT_REPLY_TIMEOUT_MS;
  if (!(seconds > 0 && seconds <= MAX_TIMEOUT_SECONDS))
    throw new PycronError('USAGE', {
      where: { key: '--timeout' },
      expected: `a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}`,
      got: String(seconds),
    });
  return Math.round(seconds * 1000);
}
