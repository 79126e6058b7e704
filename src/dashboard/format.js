// Times and durations in words a person reads at a glance: "in 4m 12s", "3 min ago", "1.2 s".

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** 1234 → "1.2 s", 61000 → "1m 1s", 45 → "45 ms". */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  return twoUnits(ms);
}

/** A countdown to `at` (epoch ms) from `now`: "in 4m 12s", "now", "due 3s ago". */
export function formatCountdown(at, now) {
  const ms = at - now;
  if (Math.abs(ms) < 1000) return 'now';
  if (ms < 0) return `due ${twoUnits(-ms)} ago`;
  return `in ${twoUnits(ms)}`;
}

/** How long ago `at` was: "just now", "42s ago", "3m ago", "2h 5m ago", "4d ago". */
export function formatAgo(at, now) {
  const ms = now - at;
  if (ms < 5000) return 'just now';
  return `${twoUnits(ms)} ago`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A local date and time, short, 24-hour: "14:05:09" today, "Mon 23 Nov 14:05" otherwise.
 * NOTE: written by hand: Intl's first use costs tens of milliseconds on the dashboard's first load.
 */
export function formatTime(at, now = Date.now()) {
  const date = new Date(at);
  const two = (n) => String(n).padStart(2, '0');
  const clock = `${two(date.getHours())}:${two(date.getMinutes())}`;
  if (new Date(now).toDateString() === date.toDateString()) return `${clock}:${two(date.getSeconds())}`;
  return `${WEEKDAYS[date.getDay()]} ${date.getDate()} ${MONTHS[date.getMonth()]} ${clock}`;
}

function twoUnits(ms) {
  const parts = [];
  let rest = Math.floor(ms / 1000) * 1000;
  for (const [unit, size] of UNITS) {
    if (rest < size && parts.length === 0) continue;
    parts.push(`${Math.floor(rest / size)}${unit}`);
    rest %= size;
    if (parts.length === 2) break;
  }
  return parts.length === 0 ? '0s' : parts.join(' ');
}
