// Time comes from a Clock so that schedule logic can be tested with literal instants and no waiting.

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch, wall clock. */
  now(): number;
  /** Calls `fn` once, at or after the wall-clock instant `atMs`. */
  setTimer(atMs: number, fn: () => void): Timer;
}

/** Longest single sleep: the wall clock is re-read at least this often, so suspend and NTP steps are noticed. */
export const MAX_TIMER_WAIT_MS = 30_000;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(atMs, fn) {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const wake = (): void => {
      if (cancelled) return;
      if (Date.now() >= atMs) fn();
      else arm();
    };
    // NOTE: a capped wait, then a fresh look at the wall clock: a timer armed before a suspend or a clock
    // step fires at the right wall-clock instant, not after the stale monotonic delay.
    const arm = (): void => {
      const wait = Math.max(0, Math.min(atMs - Date.now(), MAX_TIMER_WAIT_MS));
      handle = setTimeout(wake, wait);
    };
    arm();
    return {
      cancel() {
        cancelled = true;
        if (handle) clearTimeout(handle);
      },
    };
  },
};
