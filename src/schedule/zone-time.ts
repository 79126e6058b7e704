// Wall clock <-> instant in an IANA zone, from Intl only (never the process zone). A "wall" time is the local
// date and time encoded as if it were UTC (Date.UTC of the local fields), so calendar arithmetic is plain UTC math.

const DAY_MS = 86_400_000;

/** A stretch of time with one UTC offset: instants in [startMs, endMs). Boundaries are transitions or 1 January UTC. */
export interface ZoneSegment {
  readonly startMs: number;
  readonly endMs: number;
  readonly offsetMs: number;
}

/** What a wall time is in a zone: one instant, two (the repeated fall-back hour), or none (the spring-forward gap). */
export type WallResolution =
  | { kind: 'unique'; atMs: number }
  | { kind: 'repeated'; firstMs: number; secondMs: number }
  | { kind: 'gap'; transitionMs: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
const segmentsByZone = new Map<string, Map<number, ZoneSegment[]>>();
const lastSegment = new Map<string, ZoneSegment>();
const knownZones = new Set<string>();

/** True for a zone Intl knows. Cached: building an Intl.DateTimeFormat costs about 0.3 ms. */
export function isValidTimeZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  if (zone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return false;
  }
  knownZones.add(zone);
  return true;
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The zone's UTC offset at an instant, straight from Intl (slow: a few microseconds). */
function intlOffsetMs(zone: string, instantMs: number): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(wholeSecond)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    fields.year ?? 1970,
    (fields.month ?? 1) - 1,
    fields.day ?? 1,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0,
  );
  return wall - wholeSecond;
}

/** The segments of one UTC year, found by sampling each day and bisecting (to the second) where the offset changes. */
function buildYear(zone: string, year: number): ZoneSegment[] {
  const yearStart = Date.UTC(year, 0, 1);
  const yearEnd = Date.UTC(year + 1, 0, 1);
  const segments: ZoneSegment[] = [];
  let startMs = yearStart;
  let offsetMs = intlOffsetMs(zone, yearStart);
  let probe = yearStart;
  while (probe < yearEnd - 1) {
    const nextProbe = Math.min(probe + DAY_MS, yearEnd - 1);
    const nextOffset = intlOffsetMs(zone, nextProbe);
    if (nextOffset !== offsetMs) {
      let low = probe; // offset here is offsetMs
      let high = nextProbe; // offset here differs
      while (high - low > 1000) {
        const mid = Math.floor((low + high) / 2000) * 1000;
        if (mid <= low) break;
        if (intlOffsetMs(zone, mid) === offsetMs) low = mid;
        else high = mid;
      }
      segments.push({ startMs, endMs: high, offsetMs });
      startMs = high;
      offsetMs = intlOffsetMs(zone, high);
    }
    probe = nextProbe;
  }
  segments.push({ startMs, endMs: yearEnd, offsetMs });
  return segments;
}

/** The constant-offset segment holding an instant. Cached per zone and year, so it is fast after the first call. */
export function zoneSegmentAt(zone: string, instantMs: number): ZoneSegment {
  const last = lastSegment.get(zone);
  if (last && instantMs >= last.startMs && instantMs < last.endMs) return last;
  if (zone === 'UTC' || zone === 'Etc/UTC') {
    const year = new Date(instantMs).getUTCFullYear();
    return { startMs: Date.UTC(year, 0, 1), endMs: Date.UTC(year + 1, 0, 1), offsetMs: 0 };
  }
  const year = new Date(instantMs).getUTCFullYear();
  let years = segmentsByZone.get(zone);
  if (!years) {
    years = new Map();
    segmentsByZone.set(zone, years);
  }
  let segments = years.get(year);
  if (!segments) {
    segments = buildYear(zone, year);
    years.set(year, segments);
  }
  const found = segments.find((s) => instantMs < s.endMs) ?? segments[segments.length - 1];
  if (!found) throw new Error(`no zone segment for ${zone} at ${instantMs}`);
  lastSegment.set(zone, found);
  return found;
}

export function zoneOffsetAt(zone: string, instantMs: number): number {
  return zoneSegmentAt(zone, instantMs).offsetMs;
}

/** The local wall time (encoded as UTC fields) of an instant. */
export function toWallMs(zone: string, instantMs: number): number {
  return instantMs + zoneOffsetAt(zone, instantMs);
}

/** Every instant whose local time is `wallMs`, or the transition that skipped it. */
export function resolveWall(zone: string, wallMs: number): WallResolution {
  const offsetBefore = zoneOffsetAt(zone, wallMs - DAY_MS);
  const offsetAfter = zoneOffsetAt(zone, wallMs + DAY_MS);
  const early = wallMs - Math.max(offsetBefore, offsetAfter);
  const late = wallMs - Math.min(offsetBefore, offsetAfter);
  const earlyFits = toWallMs(zone, early) === wallMs;
  const lateFits = toWallMs(zone, late) === wallMs;
  if (earlyFits && lateFits && early !== late) return { kind: 'repeated', firstMs: early, secondMs: late };
  if (earlyFits) return { kind: 'unique', atMs: early };
  if (lateFits) return { kind: 'unique', atMs: late };
  // In the gap: the transition is the start of the segment holding `late` (walk back over year boundaries).
  let segment = zoneSegmentAt(zone, late);
  for (let i = 0; i < 3 && zoneOffsetAt(zone, segment.startMs - 1) === segment.offsetMs; i++) {
    segment = zoneSegmentAt(zone, segment.startMs - 1);
  }
  return { kind: 'gap', transitionMs: segment.startMs };
}

/** What a fixed-time slot in a spring-forward gap does: `run_after` fires right after the gap (cronie), `skip` not. */
export type DstGapPolicy = 'run_after' | 'skip';

/**
 * cronie's rule for a fixed-time slot: the one instant it fires at. Repeated fall-back hour: the first
 * occurrence only. Spring-forward gap: right after the gap (the transition instant), or with `skip` never
 * (undefined).
 */
export function fixedWallToInstant(zone: string, wallMs: number): number;
export function fixedWallToInstant(zone: string, wallMs: number, gap: DstGapPolicy): number | undefined;
export function fixedWallToInstant(zone: string, wallMs: number, gap: DstGapPolicy = 'run_after'): number | undefined {
  const resolution = resolveWall(zone, wallMs);
  switch (resolution.kind) {
    case 'unique':
      return resolution.atMs;
    case 'repeated':
      return resolution.firstMs;
    case 'gap':
      return gap === 'skip' ? undefined : resolution.transitionMs;
  }
}

/** Wall fields of a wall time, for messages and descriptions: "2026-03-29 02:30". */
export function formatWall(wallMs: number, withSeconds = false): string {
  const iso = new Date(wallMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, withSeconds ? 19 : 16)}`;
}
