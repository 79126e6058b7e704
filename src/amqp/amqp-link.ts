// One connection to RabbitMQ with a confirm channel, kept up: when the broker goes away it reconnects with growing
// delays, and `onConnected` runs again on each new channel (to declare exchanges and queues and start consumers).
// publish() resolves only once the broker has the message (publisher confirms), and rejects when it is unroutable
// (mandatory flag: no queue is bound for its routing key) or refused: a message is never silently dropped.
import amqp, { type ChannelModel, type ConfirmChannel, type Message, type Options } from 'amqplib';
import { randomUUID } from 'node:crypto';

export interface AmqpLinkOptions {
  url: string;
  /** Wins over a password in the URL. */
  password?: string;
  /** Declares what the link needs, and starts consumers, on each new channel. */
  onConnected?(channel: ConfirmChannel): Promise<void>;
  onStateChange?(state: AmqpLinkState, error?: Error): void;
  /** Delay before reconnect attempt n (1, 2, ...). */
  reconnectDelayMs?(attempt: number): number;
}

export type AmqpLinkState = 'connecting' | 'connected' | 'disconnected' | 'closed';

export class UnroutableError extends Error {
  constructor(exchange: string, routingKey: string) {
    super(`no queue is bound to exchange '${exchange}' for routing key '${routingKey}': the message was returned`);
    this.name = 'UnroutableError';
  }
}

interface PendingPublish {
  returned: boolean;
}

export class AmqpLink {
  private readonly options: AmqpLinkOptions;
  private model: ChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  private current: AmqpLinkState = 'connecting';
  private closed = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<string, PendingPublish>();
  private readonly waiters = new Set<() => void>();

  constructor(options: AmqpLinkOptions) {
    this.options = options;
  }

  get state(): AmqpLinkState {
    return this.current;
  }

  /** Starts connecting (in the background: a broker that is down is retried). */
  start(): void {
    void this.connect();
  }

  /** Resolves once connected, or rejects after `timeoutMs`. */
  async ready(timeoutMs: number): Promise<ConfirmChannel> {
    if (this.channel) return this.channel;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(new Error(`RabbitMQ is not reachable (${this.current}) after ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.add(done);
    });
    return this.channel as unknown as ConfirmChannel;
  }

  /**
   * Publishes and resolves once the broker confirms it has the message (persistent, so it survives a broker restart
   * when its queue is durable). Rejects with UnroutableError when no queue takes it, or when the link is down for
   * longer than `waitMs`.
   */
  async publish(
    exchange: string,
    routingKey: string,
    body: object,
    options: Options.Publish = {},
    waitMs = 10_000,
  ): Promise<void> {
    const channel = await this.ready(waitMs);
    const messageId = options.messageId ?? randomUUID();
    const entry: PendingPublish = { returned: false };
    this.pending.set(messageId, entry);
    try {
      await new Promise<void>((resolve, reject) => {
        channel.publish(
          exchange,
          routingKey,
          Buffer.from(JSON.stringify(body)),
          {
            persistent: true,
            mandatory: true,
            contentType: 'application/json',
            timestamp: Math.floor(Date.now() / 1000),
            ...options,
            messageId,
          },
          (error: unknown) => {
            if (error)
              reject(error instanceof Error ? error : new Error(`the broker refused the message: ${String(error)}`));
            else if (entry.returned) reject(new UnroutableError(exchange, routingKey));
            else resolve();
          },
        );
      });
    } finally {
      this.pending.delete(messageId);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.setState('closed');
    const model = this.model;
    this.model = undefined;
    this.channel = undefined;
    await model?.close().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.setState('connecting');
    try {
      const url = new URL(this.options.url);
      if (this.options.password !== undefined) url.password = encodeURIComponent(this.options.password);
      const model = await amqp.connect(url.toString(), { clientProperties: { connection_name: 'pycron' } });
      if (this.closed) {
        await model.close().catch(() => {});
        return;
      }
      model.on('error', () => {}); // 'close' follows and reconnects; an unheard 'error' would end the process
      model.on('close', (error?: Error) => this.lost(error ?? new Error('the connection was closed')));
      const channel = await model.createConfirmChannel();
      channel.on('error', () => {});
      channel.on('close', () => {
        if (this.channel === channel) void model.close().catch(() => {});
      });
      channel.on('return', (message: Message) => {
        const id = message.properties.messageId as string | undefined;
        const entry = id === undefined ? undefined : this.pending.get(id);
        if (entry) entry.returned = true;
      });
      this.model = model;
      await this.options.onConnected?.(channel);
      this.channel = channel;
      this.attempt = 0;
      this.setState('connected');
      for (const waiter of [...this.waiters]) waiter();
      this.waiters.clear();
    } catch (error) {
      this.lost(error as Error);
    }
  }

  private lost(error: Error): void {
    if (this.closed) return;
    const model = this.model;
    this.model = undefined;
    this.channel = undefined;
    void model?.close().catch(() => {});
    if (this.retryTimer) return;
    this.setState('disconnected', error);
    this.attempt++;
    const delay = this.options.reconnectDelayMs?.(this.attempt) ?? Math.min(10_000, 250 * 2 ** (this.attempt - 1));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }

  private setState(state: AmqpLinkState, error?: Error): void {
    if (state === this.current && !error) return;
    this.current = state;
    this.options.onStateChange?.(state, error);
  }
}
