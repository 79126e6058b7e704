// Turns "the next matching local slot" into "the next instant" with cronie's daylight-saving rules: fixed-time
// jobs fire once per local slot (gap: right after it, or not with dst_gap = skip; repeated hour: first pass),
// the others follow real time.
import { fixedWallToInstant, zoneSegmentAt } from './zone-time.ts';
import type { DstGapPolicy } from './zone-time.ts';

/** The smallest matching wall slot at or after `fromWallMs` (whole seconds), or undefined when there is none. */
export type WallMatcher = (fromWallMs: number) => number | undefined;

/**
 * `fixed-time`: each local slot fires exactly once (cronie's jobs whose minute and hour fields are not `*`).
 * `elapsed`: every real instant whose local time matches fires; local times in a gap do not exist.
 */
export type DstRule = 'fixed-time' | 'elapsed';

const MAX_STEPS = 2_000;

/** First whole second strictly after `afterMs`. */
function firstSecondAfter(afterMs: number): number {
  return Math.floor(afterMs / 1000) * 1000 + 1000;
}

/**
 * The first firing instant strictly after `afterMs`. Invariant: pure, strictly increasing when chained, and a
 * fixed-time slot maps to at most one instant, so calling from inside the repeated hour never repeats a slot.
 * `gap` applies to fixed-time slots only: an elapsed-time slot in a gap does not exist either way.
 */
export function nextWallInstant(
  zone: string,
  afterMs: number,
  match: WallMatcher,
  rule: DstRule,
  gap: DstGapPolicy = 'run_after',
): number | undefined {
  if (!Number.isFinite(afterMs)) return undefined;
  return rule === 'fixed-time' ? nextFixedTime(zone, afterMs, match, gap) : nextElapsed(zone, afterMs, match);
}

function nextElapsed(zone: string, afterMs: number, match: WallMatcher): number | undefined {
  let from = firstSecondAfter(afterMs);
  // Walk constant-offset segments: inside one the wall clock runs straight, so the first match is the answer
  // unless it lies beyond the segment's end (then the next segment, which may replay or skip wall times).
  for (let step = 0; step < MAX_STEPS; step++) {
    const segment = zoneSegmentAt(zone, from);
    const slot = match(from + segment.offsetMs);
    if (slot === undefined) return undefined;
    const at = slot - segment.offsetMs;
    if (at < segment.endMs) return at;
    from = segment.endMs;
  }
  return undefined;
}

function nextFixedTime(zone: string, afterMs: number, match: WallMatcher, gap: DstGapPolicy): number | undefined {
  // Every slot at or before the wall time of `afterMs` fired at or before it (a gap slot fires at the transition,
  // which is not later), so the search starts one second after that wall time. Starting from the next second's
  // wall time instead would skip a gap slot when `afterMs` is the last second before the transition.
  const before = Math.floor(afterMs / 1000) * 1000;
  const segment = zoneSegmentAt(zone, before);
  let wall = before + segment.offsetMs + 1000;
  // NOTE: just after a fall-back the wall clock replays times already passed; those slots fired in the first
  // pass, so the search starts at the highest wall time reached before the transition.
  const previous = zoneSegmentAt(zone, segment.startMs - 1);
  if (previous.offsetMs > segment.offsetMs) wall = Math.max(wall, segment.startMs + previous.offsetMs);
  for (let step = 0; step < MAX_STEPS; step++) {
    const slot = match(wall);
    if (slot === undefined) return undefined;
    const at = fixedWallToInstant(zone, slot, gap);
    if (at !== undefined && at > afterMs) return at;
    wall = slot + 1000;
  }
  return undefined;
}
