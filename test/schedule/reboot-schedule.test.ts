import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createRebootSchedule } from '../../src/schedule/reboot-schedule.ts';

it('@reboot never has a next instant and says it runs at start-up', () => {
  const s = createRebootSchedule('@reboot', 'Europe/Berlin');
  assert.equal(s.kind, 'reboot');
  assert.equal(s.next(0), undefined);
  assert.equal(s.next(Date.parse('2026-06-01T00:00:00Z')), undefined);
  assert.equal(s.describe(), 'at start-up');
  assert.equal(s.timezone, 'Europe/Berlin');
});
