// The arguments a trigger may carry (HTTP body, Redis and MQTT messages), checked like the control socket's: a list of
// bounded strings a process can receive.
import { MAX_TRIGGER_ARG_BYTES, MAX_TRIGGER_ARGS } from '../control/control-protocol.ts';
import type { PycronError } from '../errors.ts';

/** `args` as strings, or the error `invalid` builds from the reason; undefined or null is no arguments. */
export function checkTriggerArgs(args: unknown, invalid: (reason: string) => PycronError): string[] {
  if (args === undefined || args === null) return [];
  if (!Array.isArray(args)) throw invalid('args: expected an array of strings');
  if (args.length > MAX_TRIGGER_ARGS)
    throw invalid(`args: expected at most ${MAX_TRIGGER_ARGS} items, got ${args.length}`);
  for (const [index, arg] of args.entries()) {
    // NOTE: NUL cannot be passed to a process (execve ends the string there).
    if (typeof arg !== 'string' || Buffer.byteLength(arg) > MAX_TRIGGER_ARG_BYTES || arg.includes('\u0000'))
      throw invalid(`args[${index}]: expected a string of at most ${MAX_TRIGGER_ARG_BYTES} bytes without NUL`);
  }
  return args as string[];
}
