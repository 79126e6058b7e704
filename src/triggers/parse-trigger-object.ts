// The JSON object a trigger carries (an HTTP body, an MQTT payload, a Redis message): parsed, checked to be an object
// with no fields but the allowed ones. Each caller names itself in the errors and checks the fields' values.
import type { PycronError } from '../errors.ts';

export interface TriggerObjectRules {
  /** How the errors name the text: "the body", "the payload", "the message". */
  noun: string;
  /** The sentence for JSON that is not an object, with an example. */
  shape: string;
  fields: readonly string[];
  /** The end of the unknown-field error, e.g. "the body takes only args". */
  takes: string;
  invalid: (reason: string) => PycronError;
}

export function parseTriggerObject(text: string, rules: TriggerObjectRules): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw rules.invalid(`${rules.noun} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw rules.invalid(rules.shape);
  const unknown = Object.keys(value).find((key) => !rules.fields.includes(key));
  if (unknown !== undefined) throw rules.invalid(`unknown field '${unknown.slice(0, 40)}' (${rules.takes})`);
  return value as Record<string, unknown>;
}
