// How long a trigger source waits before its next connection attempt: doubling from half a second, at most 30 s,
// so a server that is back is found quickly and one that stays down is not hammered.

export const FIRST_RECONNECT_DELAY_MS = 500;
export const MAX_RECONNECT_DELAY_MS = 30_000;

/** `attempt` counts failed attempts in a row, from 0. Invariant: never below the first delay, never above the cap. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(FIRST_RECONNECT_DELAY_MS * 2 ** Math.max(0, Math.min(attempt, 16)), MAX_RECONNECT_DELAY_MS);
}
