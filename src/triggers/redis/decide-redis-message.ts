// What one message taken from the Redis list asks for: hoocron's bare job name (`LPUSH hook backup`) or JSON
// `{"job": "backup", "args": ["--full"]}`, for a job whose job.ini says redis_trigger = true. Pure.
import { PycronError } from '../../errors.ts';
import type { JobSpec } from '../../jobs/job-spec.ts';
import { isPlausibleJobName, JOB_NAME_EXPECTED } from '../../jobs/plausible-job-name.ts';
import { checkTriggerArgs } from '../check-trigger-args.ts';
import { parseTriggerObject } from '../parse-trigger-object.ts';
import { MAX_TRIGGER_MESSAGE_BYTES, type TriggerDecision } from '../trigger-decision.ts';

/**
 * Invariant: a message is triggered only when it names, exactly, a job with redis_trigger = true, with valid
 * arguments; anything else is refused with a reason a person can act on.
 */
export function decideRedisMessage(message: Buffer, lookupJob: (name: string) => JobSpec | undefined): TriggerDecision {
  if (message.length > MAX_TRIGGER_MESSAGE_BYTES)
    return refuse(`the message is ${message.length} bytes, over the ${MAX_TRIGGER_MESSAGE_BYTES} taken`);
  const text = message.toString('utf8').trim();
  let request: { job: string; args: string[] };
  try {
    request = text.startsWith('{') ? parseJson(text) : { job: text, args: [] };
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error));
  }
  if (!isPlausibleJobName(request.job)) return refuse(`expected ${JOB_NAME_EXPECTED}, got '${preview(request.job)}'`);
  const job = lookupJob(request.job);
  if (!job) return refuse(`no job named '${request.job}'`);
  if (!job.options.redisTrigger)
    return refuse(`job '${job.name}' does not take Redis triggers (set redis_trigger = true in its job.ini)`);
  return { kind: 'trigger', job: job.name, args: request.args };
}

function parseJson(text: string): { job: string; args: string[] } {
  const { job, args } = parseTriggerObject(text, {
    noun: 'the message',
    shape: SHAPE,
    fields: ['job', 'args'],
    takes: 'a message takes job and args',
    invalid,
  });
  if (typeof job !== 'string') throw invalid(`job: expected a job name; ${SHAPE}`);
  return { job, args: checkTriggerArgs(args, invalid) };
}

const SHAPE = 'a JSON message looks like {"job": "backup", "args": ["--full"]}';

function invalid(reason: string): PycronError {
  return new PycronError('TRIGGER_MESSAGE_INVALID', { reason });
}

function refuse(reason: string): TriggerDecision {
  return { kind: 'refuse', reason };
}

/** At most 80 characters of untrusted text, for a log line. */
function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
