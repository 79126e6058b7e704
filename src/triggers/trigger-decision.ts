// What a Redis or MQTT trigger message comes to: a job to trigger with its arguments, or the reason it is refused
// (Redis dead-letters it, MQTT logs and drops it).

export type TriggerDecision = { kind: 'trigger'; job: string; args: string[] } | { kind: 'refuse'; reason: string };

/** The largest message taken: the control socket's line limit; bigger ones are refused unread. */
export const MAX_TRIGGER_MESSAGE_BYTES = 64 * 1024;
