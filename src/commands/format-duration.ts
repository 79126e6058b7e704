// A span of time for people, at the precision that matters for its size: 18 ms, 4.2 s, 3m 05s, 2h 03m, 5d 04h.

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < SECOND_MS) return `${Math.round(ms)} ms`;
  if (ms < MINUTE_MS) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  if (ms < HOUR_MS) return `${Math.floor(ms / MINUTE_MS)}m ${twoDigits(Math.floor(ms / SECOND_MS) % 60)}s`;
  if (ms < DAY_MS) return `${Math.floor(ms / HOUR_MS)}h ${twoDigits(Math.floor(ms / MINUTE_MS) % 60)}m`;
  return `${Math.floor(ms / DAY_MS)}d ${twoDigits(Math.floor(ms / HOUR_MS) % 24)}h`;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}
