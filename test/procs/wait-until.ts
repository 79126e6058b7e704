// Polls a condition about real processes or files, failing with `what` after `timeoutMs`.
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitUntil(condition: () => boolean, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
