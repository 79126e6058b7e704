// HACron's tick message, field for field as HACron's own code filled it (Jobstart/hacron src/index.js, from a JS
// Date): wall-clock fields as getMinutes()..getFullYear() give them, with pycron's TIMEZONE standing in for
// HACron's process zone, so month is 0-11 and day_of_week 0 = Sunday.
import { toWallMs, zoneOffsetAt } from '../schedule/zone-time.ts';

const MS_PER_MINUTE = 60_000;

/** One tick. The field names, types and meanings are HACron's, so its consumers read pycron's ticks unchanged. */
export interface TickMessage {
  /** Unique per tick, the same on every delivery of it (HACron: a v4 UUID without dashes). */
  id: string;
  /** 0-59, in the zone. */
  minute: number;
  /** 0-23, in the zone. */
  hour: number;
  /** 1-31, in the zone. */
  day_of_month: number;
  /** 0-6, 0 = Sunday, in the zone (Date.getDay()). */
  day_of_week: number;
  /** 0-11, 0 = January, in the zone (Date.getMonth()): NOT the 1-12 of cron. */
  month: number;
  /** Four digits, in the zone. */
  year: number;
  /** The tick instant in UTC, Date.toISOString(): `2026-11-23T17:05:00.000Z`. */
  iso: string;
  /** The tick instant in milliseconds since the Unix epoch (Date.getTime()). */
  timestamp: number;
  /**
   * Minutes to add to the zone's wall time to get UTC (Date.getTimezoneOffset()): 180 for UTC-03:00, -60 for
   * UTC+01:00, 0 for UTC. HACron's README calls it a String, but its code and its test send a Number.
   */
  timezone_offset: number;
}

/** The tick message for the instant `tickAtMs`, its wall-clock fields read in the IANA zone `timezone`. Pure. */
export function buildTickMessage(tickAtMs: number, timezone: string, id: string): TickMessage {
  const offsetMs = zoneOffsetAt(timezone, tickAtMs);
  // The wall time encoded as UTC: its getUTC* fields are the zone's local fields.
  const wall = new Date(toWallMs(timezone, tickAtMs));
  return {
    id,
    minute: wall.getUTCMinutes(),
    hour: wall.getUTCHours(),
    day_of_month: wall.getUTCDate(),
    day_of_week: wall.getUTCDay(),
    month: wall.getUTCMonth(),
    year: wall.getUTCFullYear(),
    iso: new Date(tickAtMs).toISOString(),
    timestamp: tickAtMs,
    // NOTE: negating 0 gives -0, which Object.is and strict deep equality tell apart from 0.
    timezone_offset: offsetMs === 0 ? 0 : -offsetMs / MS_PER_MINUTE,
  };
}
