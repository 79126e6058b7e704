import { it } from 'node:test';
import assert from 'node:assert/strict';
import {
  fixedWallToInstant,
  isValidTimeZone,
  resolveWall,
  toWallMs,
  zoneSegmentAt,
} from '../../src/schedule/zone-time.ts';

const wall = (text: string) => Date.parse(`${text}Z`);

it('validates zones with Intl', () => {
  assert.equal(isValidTimeZone('Europe/Berlin'), true);
  assert.equal(isValidTimeZone('UTC'), true);
  assert.equal(isValidTimeZone('Mars/Olympus'), false);
  assert.equal(isValidTimeZone(''), false);
});

it('finds the 2026 transitions as segment boundaries', () => {
  const spring = zoneSegmentAt('Europe/Berlin', Date.parse('2026-03-29T01:00:00Z'));
  assert.equal(new Date(spring.startMs).toISOString(), '2026-03-29T01:00:00.000Z');
  assert.equal(new Date(spring.endMs).toISOString(), '2026-10-25T01:00:00.000Z');
  assert.equal(spring.offsetMs, 2 * 3_600_000);
  assert.equal(zoneSegmentAt('America/New_York', Date.parse('2026-11-01T05:59:59Z')).offsetMs, -4 * 3_600_000);
  assert.equal(zoneSegmentAt('America/New_York', Date.parse('2026-11-01T06:00:00Z')).offsetMs, -5 * 3_600_000);
});

it('maps wall times to instants: unique, repeated, gap', () => {
  assert.deepEqual(resolveWall('Europe/Berlin', wall('2026-06-01T12:00:00')), {
    kind: 'unique',
    atMs: Date.parse('2026-06-01T10:00:00Z'),
  });
  assert.deepEqual(resolveWall('Europe/Berlin', wall('2026-10-25T02:30:00')), {
    kind: 'repeated',
    firstMs: Date.parse('2026-10-25T00:30:00Z'),
    secondMs: Date.parse('2026-10-25T01:30:00Z'),
  });
  assert.deepEqual(resolveWall('Europe/Berlin', wall('2026-03-29T02:30:00')), {
    kind: 'gap',
    transitionMs: Date.parse('2026-03-29T01:00:00Z'),
  });
  assert.equal(fixedWallToInstant('America/New_York', wall('2026-03-08T02:15:00')), Date.parse('2026-03-08T07:00:00Z'));
  assert.equal(fixedWallToInstant('America/New_York', wall('2026-11-01T01:15:00')), Date.parse('2026-11-01T05:15:00Z'));
  assert.equal(toWallMs('Asia/Kolkata', Date.parse('2026-06-01T00:00:00Z')), wall('2026-06-01T05:30:00'));
});
