import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseInterval } from '../../src/schedule/interval-schedule.ts';
import { DAY_MS, iso, mustParse } from './firing-helpers.ts';

const interval = (text: string, zone = 'UTC') => mustParse(parseInterval(text, zone));
const at = (text: string) => Date.parse(text);

describe('interval schedules', () => {
  it('fires on the epoch grid: whole multiples of the period, strictly after the given instant', () => {
    const s = interval('every 5m');
    assert.equal(iso(s.next(at('2026-06-01T10:02:17Z'))), '2026-06-01T10:05:00.000Z');
    assert.equal(iso(s.next(at('2026-06-01T10:05:00Z'))), '2026-06-01T10:10:00.000Z');
    assert.equal(iso(s.next(at('2026-06-01T10:04:59.999Z'))), '2026-06-01T10:05:00.000Z');
    assert.equal(iso(interval('every 30s').next(at('2026-06-01T10:00:00Z'))), '2026-06-01T10:00:30.000Z');
    assert.equal(iso(interval('every 2h').next(at('2026-06-01T01:00:00Z'))), '2026-06-01T02:00:00.000Z');
    assert.equal(iso(interval('every 1d').next(at('2026-06-01T01:00:00Z'))), '2026-06-02T00:00:00.000Z');
  });

  it('accepts long unit names and fractions that come to whole seconds', () => {
    for (const [text, periodMs] of [
      ['every 90 seconds', 90_000],
      ['every 10 minutes', 600_000],
      ['every 3 hours', 10_800_000],
      ['every 2 days', 2 * DAY_MS],
      ['every 1.5h', 5_400_000],
    ] as const) {
      const s = interval(text);
      assert.equal(s.next(0), periodMs, text);
      assert.equal(s.kind, 'interval');
    }
  });

  it('rejects zero, negative, fractional-second and unknown forms with the expression quoted', () => {
    const cases: Record<string, string> = {
      'every 0m': "'every 0m': the interval must be greater than zero",
      'every -5m': "'every -5m': the interval must be greater than zero",
      'every 0.5s': "'every 0.5s': the interval must be a whole number of seconds",
      'every 5 fortnights':
        "'every 5 fortnights': expected every <number><unit> with unit s, m, h or d (every 30s, every 5m, every 2h, every 1d)",
      'every 400d': "'every 400d': the interval must be at most 366 days (use cron or ISO 8601 for longer)",
    };
    for (const [text, error] of Object.entries(cases))
      assert.deepEqual(parseInterval(text, 'UTC'), { ok: false, error });
  });

  it('describes itself in words', () => {
    assert.equal(interval('every 30s').describe(), 'every 30 seconds');
    assert.equal(interval('every 5m').describe(), 'every 5 minutes');
    assert.equal(interval('every 1m').describe(), 'every minute');
    assert.equal(interval('every 2h').describe(), 'every 2 hours');
    assert.equal(interval('every 90m').describe(), 'every 90 minutes');
    assert.equal(interval('every 1d').describe(), 'every day at 00:00 UTC');
  });
});
