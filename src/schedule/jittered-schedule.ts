// systemd's RandomizedDelaySec made deterministic (like FixedRandomDelay=): each slot s of a schedule moves to
// s + offset(s), with offset a stable pseudo-random value in [0, jitterMs) hashed from (seed, s).
import { createHash } from 'node:crypto';
import type { Schedule } from './schedule.ts';

/**
 * Most slots one next() examines. Reached only when the jitter spans this many slots (every second with over
 * 2.7 hours of jitter); then the earliest shifted instant among the slots examined is returned, so the chain
 * stays strictly increasing but may pass over a few shifted slots.
 */
export const MAX_JITTER_SLOTS_EXAMINED = 10_000;

const TWO_POW_48 = 2 ** 48;

/** A stable offset in [0, jitterMs): the first 48 bits of sha256(seed, slot) scaled down. */
function offsetOf(seed: string, slotMs: number, jitterMs: number): number {
  const digest = createHash('sha256').update(`${seed}\n${slotMs}`).digest();
  return Math.floor((digest.readUIntBE(0, 6) / TWO_POW_48) * jitterMs);
}

const UNITS: readonly [number, string][] = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1_000, 'second'],
];

/** "5 minutes", "1 hour", "90 seconds", "250 ms": the largest unit that divides the delay. */
function durationWords(ms: number): string {
  for (const [unitMs, word] of UNITS) {
    if (ms % unitMs === 0) return `${ms / unitMs} ${word}${ms === unitMs ? '' : 's'}`;
  }
  return `${ms} ms`;
}

class JitteredSchedule implements Schedule {
  readonly kind: Schedule['kind'];
  readonly expression: string;
  readonly timezone: string;

  constructor(
    private readonly inner: Schedule,
    private readonly jitterMs: number,
    private readonly seed: string,
  ) {
    this.kind = inner.kind;
    this.expression = inner.expression;
    this.timezone = inner.timezone;
  }

  /**
   * The earliest shifted slot strictly after `afterMs`. Shifted slots can reorder when the jitter exceeds the
   * gap between slots, so every slot that could land after `afterMs` is examined: those in
   * (afterMs - jitterMs, ...], until a slot lies at or past the best shifted instant found (later slots only
   * shift later). Invariant: chained calls are strictly increasing; two slots hashed onto the same millisecond
   * fire once.
   */
  next(afterMs: number): number | undefined {
    if (!Number.isFinite(afterMs)) return undefined;
    let best: number | undefined;
    let examined = 0;
    for (let slot = this.inner.next(afterMs - this.jitterMs); slot !== undefined; slot = this.inner.next(slot)) {
      if (best !== undefined && slot >= best) break;
      if (++examined > MAX_JITTER_SLOTS_EXAMINED) {
        // Bounded work: keep the best found; with none, every slot so far lay at or before `afterMs`, and the
        // first slot after it surely shifts past it.
        const after = best === undefined ? this.inner.next(afterMs) : undefined;
        if (after !== undefined) best = after + offsetOf(this.seed, after, this.jitterMs);
        break;
      }
      const shifted = slot + offsetOf(this.seed, slot, this.jitterMs);
      if (shifted > afterMs && (best === undefined || shifted < best)) best = shifted;
    }
    return best;
  }

  describe(): string {
    return `${this.inner.describe()} plus up to ${durationWords(this.jitterMs)} of random delay`;
  }
}

/**
 * `schedule` with each slot delayed by a stable pseudo-random amount in [0, jitterMs), the same for the same
 * (seed, slot) across restarts; `seed` is normally the job's name, so jobs on one expression spread out.
 * A jitter under 1 ms returns `schedule` itself. Fractional milliseconds are dropped.
 */
export function withJitter(schedule: Schedule, jitterMs: number, seed: string): Schedule {
  const wholeMs = Number.isFinite(jitterMs) ? Math.floor(jitterMs) : 0;
  if (wholeMs < 1) return schedule;
  return new JitteredSchedule(schedule, wholeMs, seed);
}
