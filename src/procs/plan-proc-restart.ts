// When a proc that exited on its own starts again: after its idle, doubled for each crash in a row, capped.
// A pure decision on literal numbers; the supervisor arms the timer.

/** An exit sooner than this after the start is a crash (or sooner than idle, when idle is longer). */
export const PROC_CRASH_WINDOW_MS = 10_000;
/** The longest a crash-looping proc waits between starts (or idle, when idle is longer). */
export const PROC_MAX_RESTART_DELAY_MS = 5 * 60_000;
/** The doubling starts from at least this, so a proc with idle = 0 that crashes in a loop still slows down. */
export const PROC_MIN_BACKOFF_BASE_MS = 100;

export interface ProcRestartInput {
  /** The proc's idle (ms): the delay before a restart when it is not crash-looping. */
  idleMs: number;
  startedAt: number;
  endedAt: number;
  /** Crashes in a row before this exit. */
  crashes: number;
  /** Default PROC_CRASH_WINDOW_MS. */
  crashWindowMs?: number;
  /** Default PROC_MAX_RESTART_DELAY_MS. */
  maxDelayMs?: number;
}

export interface ProcRestartPlan {
  /** This exit came within the crash window after the start. */
  crashed: boolean;
  /** Crashes in a row, this exit included; 0 after a run that lasted the window. */
  crashes: number;
  /** Wait this long before starting the proc again. */
  delayMs: number;
}

/**
 * Invariants: the delay is never below idle nor above max(cap, idle); a run that lasted the crash window (or
 * longer) resets the count and waits exactly idle; the n-th crash in a row (n >= 2) waits base * 2^(n-1), capped,
 * where base = max(idle, PROC_MIN_BACKOFF_BASE_MS). A run whose duration is negative (the clock went back) counts
 * as a crash: backing off is the safe side.
 */
export function planProcRestart(input: ProcRestartInput): ProcRestartPlan {
  const idleMs = Math.max(0, input.idleMs);
  const windowMs = Math.max(input.crashWindowMs ?? PROC_CRASH_WINDOW_MS, idleMs);
  const capMs = Math.max(input.maxDelayMs ?? PROC_MAX_RESTART_DELAY_MS, idleMs);
  const ranMs = input.endedAt - input.startedAt;
  const crashed = ranMs < windowMs;
  const crashes = crashed ? Math.max(0, input.crashes) + 1 : 0;
  if (crashes <= 1) return { crashed, crashes, delayMs: idleMs };
  const baseMs = Math.max(idleMs, PROC_MIN_BACKOFF_BASE_MS);
  // 2 ** n is Infinity for a very long loop, and Math.min keeps the cap.
  const delayMs = Math.min(capMs, Math.max(idleMs, baseMs * 2 ** (crashes - 1)));
  return { crashed, crashes, delayMs };
}
