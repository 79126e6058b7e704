// What one MQTT message asks for: the topic after the prefix names the job (slashes and all, for PyCron-layout
// names), the payload is empty or JSON `{"args": [...]}`, and the job's job.ini must say mqtt_trigger = true. Pure.
import { PycronError } from '../../errors.ts';
import type { JobSpec } from '../../jobs/job-spec.ts';
import { isPlausibleJobName, JOB_NAME_EXPECTED } from '../../jobs/plausible-job-name.ts';
import { checkTriggerArgs } from '../check-trigger-args.ts';
import { parseTriggerObject } from '../parse-trigger-object.ts';
import { MAX_TRIGGER_MESSAGE_BYTES, type TriggerDecision } from '../trigger-decision.ts';

export interface MqttMessage {
  topic: string;
  payload: Buffer;
  /** Set when the broker hands over a retained message because we subscribed, not because someone published now. */
  retain: boolean;
}

/** Invariant: only a fresh (not retained) message on PREFIX + the name of a job with mqtt_trigger = true triggers. */
export function decideMqttMessage(
  message: MqttMessage,
  prefix: string,
  lookupJob: (name: string) => JobSpec | undefined,
): TriggerDecision {
  // A retained trigger would run its job again at every reconnect and restart.
  if (message.retain) return refuse('it is a retained message: publish triggers without the retain flag');
  if (!message.topic.startsWith(prefix)) return refuse(`the topic is not under ${prefix}`);
  const name = message.topic.slice(prefix.length);
  if (!isPlausibleJobName(name)) return refuse(`the topic should end in ${JOB_NAME_EXPECTED}`);
  if (message.payload.length > MAX_TRIGGER_MESSAGE_BYTES)
    return refuse(`the payload is ${message.payload.length} bytes, over the ${MAX_TRIGGER_MESSAGE_BYTES} taken`);
  let args: string[];
  try {
    args = parsePayload(message.payload.toString('utf8'));
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error));
  }
  const job = lookupJob(name);
  if (!job) return refuse(`no job named '${name}'`);
  if (!job.options.mqttTrigger)
    return refuse(`job '${job.name}' does not take MQTT triggers (set mqtt_trigger = true in its job.ini)`);
  return { kind: 'trigger', job: job.name, args };
}

function parsePayload(text: string): string[] {
  if (text.trim() === '') return [];
  const value = parseTriggerObject(text, {
    noun: 'the payload',
    shape: 'the payload must be empty or a JSON object such as {"args": ["--full"]}',
    fields: ['args'],
    takes: 'the payload takes only args',
    invalid,
  });
  return checkTriggerArgs(value.args, invalid);
}

function invalid(reason: string): PycronError {
  return new PycronError('TRIGGER_MESSAGE_INVALID', { reason });
}

function refuse(reason: string): TriggerDecision {
  return { kind: 'refuse', reason };
}
