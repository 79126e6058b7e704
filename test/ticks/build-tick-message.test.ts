import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { buildTickMessage } from '../../src/ticks/build-tick-message.ts';

const at = (iso: string): number => Date.parse(iso);

describe('buildTickMessage: the fields HACron sends', () => {
  it('gives every field in UTC, month 0-based, Monday = 1, timestamp in ms, offset 0', () => {
    assert.deepEqual(buildTickMessage(at('2026-11-23T14:05:00Z'), 'UTC', 'a1b2'), {
      id: 'a1b2',
      minute: 5,
      hour: 14,
      day_of_month: 23,
      day_of_week: 1,
      month: 10,
      year: 2026,
      iso: '2026-11-23T14:05:00.000Z',
      timestamp: 1795442700000,
      timezone_offset: 0,
    });
  });

  it('gives the wall-clock fields in America/Sao_Paulo (UTC-03:00: offset 180), across a year boundary', () => {
    const message = buildTickMessage(at('2027-01-01T02:30:00Z'), 'America/Sao_Paulo', 'x');
    assert.deepEqual(message, {
      id: 'x',
      minute: 30,
      hour: 23,
      day_of_month: 31,
      day_of_week: 4, // Thursday
      month: 11, // December
      year: 2026,
      iso: '2027-01-01T02:30:00.000Z',
      timestamp: at('2027-01-01T02:30:00Z'),
      timezone_offset: 180,
    });
  });

  it('follows a Sao Paulo DST start (2018-11-04: midnight became 01:00, offset 180 -> 120)', () => {
    const before = buildTickMessage(at('2018-11-04T02:59:00Z'), 'America/Sao_Paulo', 'x');
    const after = buildTickMessage(at('2018-11-04T03:00:00Z'), 'America/Sao_Paulo', 'x');
    assert.deepEqual(
      [before.day_of_month, before.day_of_week, before.hour, before.minute, before.timezone_offset],
      [3, 6, 23, 59, 180],
    );
    assert.deepEqual(
      [after.day_of_month, after.day_of_week, after.hour, after.minute, after.timezone_offset],
      [4, 0, 1, 0, 120],
    );
  });

  it('gives both passes of the repeated hour in Europe/Berlin the same wall time and different offsets', () => {
    const first = buildTickMessage(at('2026-10-25T00:30:00Z'), 'Europe/Berlin', 'x');
    const second = buildTickMessage(at('2026-10-25T01:30:00Z'), 'Europe/Berlin', 'x');
    for (const message of [first, second]) {
      assert.deepEqual(
        [message.year, message.month, message.day_of_month, message.day_of_week, message.hour, message.minute],
        [2026, 9, 25, 0, 2, 30],
      );
    }
    assert.equal(first.timezone_offset, -120);
    assert.equal(second.timezone_offset, -60);
    assert.equal(second.timestamp - first.timestamp, 3_600_000);
    assert.equal(first.iso, '2026-10-25T00:30:00.000Z');
    assert.equal(second.iso, '2026-10-25T01:30:00.000Z');
  });

  it('jumps from 01:59 to 03:00 at the Berlin spring-forward (offset -60 -> -120)', () => {
    const before = buildTickMessage(at('2026-03-29T00:59:00Z'), 'Europe/Berlin', 'x');
    const after = buildTickMessage(at('2026-03-29T01:00:00Z'), 'Europe/Berlin', 'x');
    assert.deepEqual([before.hour, before.minute, before.timezone_offset], [1, 59, -60]);
    assert.deepEqual([after.hour, after.minute, after.timezone_offset], [3, 0, -120]);
  });

  it("matches HACron's own code (a JS Date in a process whose TZ is the zone) field for field", () => {
    const instants = [
      '2026-11-23T14:05:00Z',
      '2026-12-31T23:30:00Z',
      '2027-01-01T02:30:00Z',
      '2018-11-04T02:59:00Z',
      '2018-11-04T03:00:00Z',
      '2026-10-25T00:30:00Z',
      '2026-10-25T01:30:00Z',
      '2026-03-29T00:59:00Z',
      '2026-03-29T01:00:00Z',
      '2026-02-28T23:59:59.500Z',
    ].map(at);
    // HACron's src/index.js onTick, with `new Date()` replaced by the instant.
    const hacron = `
      const out = JSON.parse(process.argv[1]).map((ms) => {
        const d = new Date(ms);
        return { minute: d.getMinutes(), hour: d.getHours(), day_of_month: d.getDate(), day_of_week: d.getDay(),
          month: d.getMonth(), year: d.getFullYear(), iso: d.toISOString(), timestamp: d.getTime(),
          timezone_offset: d.getTimezoneOffset() };
      });
      process.stdout.write(JSON.stringify(out));`;
    for (const zone of ['UTC', 'America/Sao_Paulo', 'Europe/Berlin', 'Asia/Kolkata', 'America/St_Johns']) {
      const run = spawnSync(process.execPath, ['-e', hacron, JSON.stringify(instants)], {
        env: { ...process.env, TZ: zone },
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      const expected: unknown[] = JSON.parse(run.stdout);
      const actual = instants.map((ms) => {
        const { id: _id, ...fields } = buildTickMessage(ms, zone, 'x');
        return fields;
      });
      assert.deepEqual(actual, expected, zone);
    }
  });
});
