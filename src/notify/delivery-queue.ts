// Delivers notifications apart from scheduling: a bounded queue, a few sends at a time, retries with back-off on
// the injected Clock. A full queue drops its oldest entry; every failure is logged, never thrown.
import type { Clock, Timer } from '../clock.ts';
import type { ServiceLogger } from '../log/service-logger.ts';

export interface Delivery {
  /** For log lines: 'mail to ops@example.org about backup (failure)'. Never holds a secret. */
  label: string;
  send(): Promise<void>;
}

export interface DeliveryQueueOptions {
  clock: Clock;
  logger: ServiceLogger;
  /** Deliveries waiting (to be sent or retried) at most; one more drops the oldest. */
  maxWaiting?: number;
  /** The waits before the second, third... attempt: 3 attempts over 5 minutes by default. */
  retryDelaysMs?: readonly number[];
  /** Sends in progress at most. */
  maxSending?: number;
  /** A send still going after this long counts as failed, so a stuck server cannot hold a slot for ever. */
  sendTimeoutMs?: number;
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [60_000, 240_000];
export const DEFAULT_MAX_WAITING = 1000;
const DEFAULT_MAX_SENDING = 4;
const DEFAULT_SEND_TIMEOUT_MS = 120_000;

interface Entry {
  delivery: Delivery;
  /** Order of arrival: the lowest is the oldest. */
  seq: number;
  /** Attempts made so far. */
  attempts: number;
  state: 'ready' | 'retry-wait' | 'sending';
  retryTimer?: Timer;
}

export class DeliveryQueue {
  private readonly clock: Clock;
  private readonly logger: ServiceLogger;
  private readonly maxWaiting: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly maxSending: number;
  private readonly sendTimeoutMs: number;
  /** Waiting entries, oldest first; the ones being sent are counted apart. */
  private waiting: Entry[] = [];
  private sending = 0;
  private nextSeq = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: DeliveryQueueOptions) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.maxSending = options.maxSending ?? DEFAULT_MAX_SENDING;
    this.sendTimeoutMs = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  }

  /** Deliveries waiting to be sent or retried. */
  get size(): number {
    return this.waiting.length;
  }

  /** Queues a delivery; returns at once. */
  enqueue(delivery: Delivery): void {
    if (this.closed) {
      this.logger.warn(`notification not sent, the service is stopping: ${delivery.label}`);
      return;
    }
    this.admit({ delivery, seq: this.nextSeq++, attempts: 0, state: 'ready' });
    this.pump();
  }

  /** Resolves when nothing is being sent and nothing is ready to send (retries may still wait for their time). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops: retries still waiting are dropped (logged), deliveries ready now get their one attempt, and the promise
   * resolves when those have ended or `graceMs` has passed on the clock.
   */
  async close(graceMs: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const dropped = this.waiting.filter((entry) => entry.state === 'retry-wait');
    this.waiting = this.waiting.filter((entry) => entry.state !== 'retry-wait');
    for (const entry of dropped) {
      entry.retryTimer?.cancel();
      this.logger.error(`notification not delivered, the service is stopping: ${entry.delivery.label}`);
    }
    let timer: Timer | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = this.clock.setTimer(this.clock.now() + graceMs, resolve);
    });
    await Promise.race([this.idle(), graceOver]);
    timer?.cancel();
    for (const entry of this.waiting.filter((e) => e.state === 'ready'))
      this.logger.error(`notification not delivered, the service is stopping: ${entry.delivery.label}`);
    this.waiting = [];
  }

  private pump(): void {
    while (this.sending < this.maxSending) {
      const entry = this.waiting.find((e) => e.state === 'ready');
      if (!entry) break;
      this.waiting.splice(this.waiting.indexOf(entry), 1);
      entry.state = 'sending';
      entry.attempts += 1;
      this.sending += 1;
      void this.attempt(entry);
    }
    this.wakeIdleWaiters();
  }

  private async attempt(entry: Entry): Promise<void> {
    const { delivery } = entry;
    const tries = this.retryDelaysMs.length + 1;
    let guard: Timer | undefined;
    try {
      await Promise.race([
        delivery.send(),
        new Promise<never>((_, reject) => {
          const limit = this.sendTimeoutMs;
          guard = this.clock.setTimer(this.clock.now() + limit, () =>
            reject(new Error(`no end after ${limit / 1000} s`)),
          );
        }),
      ]);
      this.logger.info(`notification sent: ${delivery.label}`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const delay = this.retryDelaysMs[entry.attempts - 1];
      if (delay === undefined || this.closed) {
        this.logger.error(
          `notification not delivered after ${entry.attempts} attempt(s): ${delivery.label}: ${reason}`,
        );
      } else {
        const retryAt = this.clock.now() + delay;
        this.logger.warn(
          `notification failed (attempt ${entry.attempts} of ${tries}), retrying at ${new Date(retryAt).toISOString()}: ${delivery.label}: ${reason}`,
        );
        this.scheduleRetry(entry, retryAt);
      }
    } finally {
      guard?.cancel();
      this.sending -= 1;
      this.pump();
    }
  }

  /** Adds `entry` to the waiting ones; when they are full, the oldest of them all (maybe `entry`) is dropped. */
  private admit(entry: Entry): boolean {
    if (this.waiting.length >= this.maxWaiting) {
      const oldest = this.waiting.reduce((a, b) => (b.seq < a.seq ? b : a), entry);
      this.logger.warn(
        `notification queue full (${this.maxWaiting} waiting): dropped the oldest, ${oldest.delivery.label}`,
      );
      if (oldest === entry) return false;
      oldest.retryTimer?.cancel();
      this.waiting.splice(this.waiting.indexOf(oldest), 1);
    }
    this.waiting.push(entry);
    return true;
  }

  private scheduleRetry(entry: Entry, retryAt: number): void {
    entry.state = 'retry-wait';
    if (!this.admit(entry)) return;
    entry.retryTimer = this.clock.setTimer(retryAt, () => {
      entry.retryTimer = undefined;
      if (!this.waiting.includes(entry)) return;
      entry.state = 'ready';
      this.pump();
    });
  }

  private isIdle(): boolean {
    return this.sending === 0 && !this.waiting.some((entry) => entry.state === 'ready');
  }

  private wakeIdleWaiters(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
