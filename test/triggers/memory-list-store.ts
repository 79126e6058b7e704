// The in-memory twin of the Redis lists the trigger consumer uses: LPUSH, a BLMOVE that waits, LINDEX, LREM and the
// dead-letter transaction, with the same ordering (index 0 is the head, the oldest message is at the tail).
import type { TriggerListStore } from '../../src/triggers/redis/trigger-list-store.ts';

interface Waiter {
  from: string;
  to: string;
  resolve(message: Buffer | null): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class MemoryListStore implements TriggerListStore {
  private readonly lists = new Map<string, Buffer[]>();
  private readonly waiters: Waiter[] = [];
  private closed = false;
  /** Called before each removal: a test can hold the handling of a message. */
  beforeRemove: () => Promise<void> = async () => {};

  /** LPUSH: each message becomes the new head. */
  push(list: string, ...messages: string[]): void {
    for (const message of messages) this.list(list).unshift(Buffer.from(message));
    this.serveWaiters();
  }

  /** The list's messages as text, head first. */
  read(list: string): string[] {
    return this.list(list).map((message) => message.toString('utf8'));
  }

  /** Fails every waiting take, as a lost connection does; later operations work (the client reconnected). */
  dropConnection(): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('Socket closed unexpectedly'));
    }
  }

  /** Closes for good, as the consumer's stop does: waiting takes and every later operation fail. */
  interrupt(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('Disconnects client'));
    }
  }

  takeOldest(from: string, to: string, timeoutS: number): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('The client is closed'));
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve(null);
      }, timeoutS * 1000);
      const waiter: Waiter = { from, to, resolve, reject, timer };
      this.waiters.push(waiter);
      this.serveWaiters();
    });
  }

  async peekOldest(list: string): Promise<Buffer | null> {
    this.failIfClosed();
    return this.list(list).at(-1) ?? null;
  }

  async removeOldest(list: string, message: Buffer): Promise<void> {
    await this.beforeRemove();
    this.failIfClosed();
    removeNearestTail(this.list(list), message);
  }

  async moveToDeadLetter(from: string, dead: string, message: Buffer, keep: number): Promise<void> {
    this.failIfClosed();
    this.list(dead).unshift(message);
    this.list(dead).splice(keep);
    removeNearestTail(this.list(from), message);
  }

  private failIfClosed(): void {
    if (this.closed) throw new Error('The client is closed');
  }

  private list(name: string): Buffer[] {
    let items = this.lists.get(name);
    if (!items) this.lists.set(name, (items = []));
    return items;
  }

  /** Each waiting take, oldest waiter first, gets the oldest message of its list. */
  private serveWaiters(): void {
    for (const waiter of [...this.waiters]) {
      const message = this.list(waiter.from).pop();
      if (message === undefined) continue;
      this.list(waiter.to).unshift(message);
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      clearTimeout(waiter.timer);
      waiter.resolve(message);
    }
  }
}

/** LREM -1: the copy nearest the tail. */
function removeNearestTail(items: Buffer[], message: Buffer): void {
  for (let at = items.length - 1; at >= 0; at--) {
    if (items[at]?.equals(message)) {
      items.splice(at, 1);
      return;
    }
  }
}
