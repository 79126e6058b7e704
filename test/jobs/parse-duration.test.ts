import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from '../../src/jobs/parse-duration.ts';

test('reads units, combinations and plain seconds', () => {
  const cases: Array<[string, number]> = [
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['2d', 172_800_000],
    ['250ms', 250],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['90', 90_000],
    ['0.5', 500],
    [' 45s ', 45_000],
    ['0', 0],
  ];
  for (const [text, ms] of cases) assert.deepEqual(parseDuration(text), { ok: true, ms }, text);
});

test('rejects what is not a duration, with the text quoted', () => {
  for (const text of ['', '  ', 'abc', '5x', '5 minutes', '-5s', '30m1h', '5m5m', 'h', '1h30', 's5', '1e3']) {
    assert.deepEqual(
      parseDuration(text),
      { ok: false, error: `expected a duration such as 90s, 5m, 1h30m or a number of seconds, got '${text}'` },
      text,
    );
  }
});
