// job.ini routing_key: an AMQP routing key a worker's queue is bound with (`pycron worker --queue KEY`).
import type { Parsed } from '../config/setting-values.ts';

export function routingKey(raw: string): Parsed<string> {
  const text = raw.trim();
  return /^[A-Za-z0-9._:-]{1,200}$/.test(text)
    ? { ok: true, value: text }
    : { ok: false, expected: 'a routing key of letters, digits, dot, underscore, colon and dash (slow, gpu.batch)' };
}
