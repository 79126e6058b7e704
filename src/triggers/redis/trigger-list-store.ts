// The few list operations reliable Redis triggers need, as an interface: the consumer's logic is tested against the
// real server, and nothing else in pycron knows the Redis client.

export interface TriggerListStore {
  /** BLMOVE: moves the oldest message of `from` (its tail) to the head of `to` and returns it; null after `timeoutS`. */
  takeOldest(from: string, to: string, timeoutS: number): Promise<Buffer | null>;
  /** LINDEX -1: the oldest message of `list`, or null when it is empty. */
  peekOldest(list: string): Promise<Buffer | null>;
  /** LREM -1: removes the copy of `message` nearest the tail of `list`. */
  removeOldest(list: string, message: Buffer): Promise<void>;
  /** In one transaction: pushes `message` onto `dead` (keeping its newest `keep`) and removes it from `from`. */
  moveToDeadLetter(from: string, dead: string, message: Buffer, keep: number): Promise<void>;
}
