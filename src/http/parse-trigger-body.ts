// The optional JSON body of a trigger or run-now: { "args": ["..."] }, checked like the control socket's arguments.
import { PycronError } from '../errors.ts';
import { checkTriggerArgs } from '../triggers/check-trigger-args.ts';
import { parseTriggerObject } from '../triggers/parse-trigger-object.ts';

export function parseTriggerBody(body: Buffer): string[] {
  const text = body.toString('utf8');
  if (text.trim() === '') return [];
  const value = parseTriggerObject(text, {
    noun: 'the body',
    shape: 'the body must be a JSON object such as { "args": ["--full"] }',
    fields: ['args'],
    takes: 'the body takes only args',
    invalid: bad,
  });
  return checkTriggerArgs(value.args, bad);
}

function bad(reason: string): PycronError {
  return new PycronError('BAD_REQUEST', { reason });
}
