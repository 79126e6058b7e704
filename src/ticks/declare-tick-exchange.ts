// The exchange ticks go to: a durable fanout, as HACron declares it, so its consumers keep binding their queues to
// it unchanged (a fanout ignores routing keys: every bound queue gets every tick).
import type { Channel } from 'amqplib';

/** Declares `exchange` as a durable fanout; rejects, saying what to do, when it exists with other settings. */
export async function declareTickExchange(channel: Channel, exchange: string): Promise<void> {
  try {
    await channel.assertExchange(exchange, 'fanout', { durable: true });
  } catch (error) {
    // RabbitMQ answers 406 PRECONDITION_FAILED, and closes the channel, when the exchange exists with another type or
    // durability (HACron with EXCHANGE_DURABLE off declared it transient).
    if ((error as { code?: unknown }).code !== 406) throw error;
    throw new Error(
      `the exchange '${exchange}' exists with other settings than a durable fanout, which ticks need ` +
        `(${(error as Error).message}): delete it (rabbitmqadmin delete exchange name=${exchange}) ` +
        `or choose another [Ticks] EXCHANGE`,
      { cause: error },
    );
  }
}
