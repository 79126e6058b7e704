// The AMQP properties a tick goes with, as HACron set them (its src/amqp.js): consumers can tell ticks by type
// 'tick' and drop a redelivered one by its messageId, which is the message's id.
import type { Options } from 'amqplib';
import type { TickMessage } from './build-tick-message.ts';

/** As HACron's: a tick left in a queue for 30 s is dropped, so a consumer that was away gets no pile of old ticks. */
const TICK_EXPIRATION_MS = 30_000;

export function tickPublishOptions(tick: TickMessage): Options.Publish {
  return {
    // NOTE: not mandatory: with no queue bound to the fanout, a clock tick is simply not heard, which is no error.
    mandatory: false,
    // A tick is worthless after a broker restart: not written to disk.
    persistent: false,
    expiration: String(TICK_EXPIRATION_MS),
    contentType: 'application/json',
    contentEncoding: 'utf8',
    messageId: tick.id,
    type: 'tick',
    appId: 'pycron',
  };
}
