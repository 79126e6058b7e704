// The optional JSON body of a trigger or run-now: { "args": ["..."] }, checked like the control socket's arguments.
import { MAX_TRIGGER_ARG_BYTES, MAX_TRIGGER_ARGS } from '../control/control-protocol.ts';
import { PycronError } from '../errors.ts';

export function parseTriggerBody(body: Buffer): string[] {
  const text = body.toString('utf8');
  if (text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw bad(`the body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('the body must be a JSON object such as { "args": ["--full"] }');
  const unknown = Object.keys(value).find((key) => key !== 'args');
  if (unknown !== undefined) throw bad(`unknown field '${unknown.slice(0, 40)}' (the body takes only args)`);
  const args = (value as { args?: unknown }).args ?? [];
  if (!Array.isArray(args)) throw bad('args: expected an array of strings');
  if (args.length > MAX_TRIGGER_ARGS) throw bad(`args: expected at most ${MAX_TRIGGER_ARGS} items, got ${args.length}`);
  for (const [index, arg] of args.entries()) {
    // NOTE: NUL cannot be passed to a process (execve ends the string there).
    if (typeof arg !== 'string' || Buffer.byteLength(arg) > MAX_TRIGGER_ARG_BYTES || arg.includes('\u0000'))
      throw bad(`args[${index}]: expected a string of at most ${MAX_TRIGGER_ARG_BYTES} bytes without NUL`);
  }
  return args as string[];
}

function bad(reason: string): PycronError {
  return new PycronError('BAD_REQUEST', { reason });
}
