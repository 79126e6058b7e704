// The notification decision on literal sequences of run ends and late slots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decideNotification,
  effectiveNotifyOn,
  type HealthEvent,
  type JobHealth,
} from '../../src/notify/decide-notification.ts';
import type { NotifyOn } from '../../src/jobs/job-options.ts';

/** ok / ok-quiet / fail / late, one letter each, so a sequence reads as a line. */
const EVENTS: Record<string, HealthEvent> = {
  ok: { kind: 'run', ok: true, quiet: false },
  quiet: { kind: 'run', ok: true, quiet: true },
  fail: { kind: 'run', ok: false, quiet: false },
  late: { kind: 'late' },
};

/** Runs `sequence` from `start`; each step gives "kind:mail+webhook" ('-' for nothing sent). */
function play(sequence: string, notifyOn: readonly NotifyOn[], start: JobHealth = 'unknown'): string[] {
  let health = start;
  return sequence.split(' ').map((name) => {
    const event = EVENTS[name];
    assert.ok(event, name);
    const decision = decideNotification(health, event, notifyOn);
    health = decision.health;
    const channels = [decision.mail ? 'mail' : '', decision.webhook ? 'webhook' : ''].filter(Boolean).join('+');
    return `${decision.kind ?? 'none'}:${channels || '-'}`;
  });
}

test('default (failure, recovery): every failure, the first success after failures, nothing for plain successes', () => {
  assert.deepEqual(play('ok fail fail ok ok fail ok', ['failure', 'recovery']), [
    'success:-',
    'failure:mail+webhook',
    'failure:mail+webhook',
    'recovery:mail+webhook',
    'success:-',
    'failure:mail+webhook',
    'recovery:mail+webhook',
  ]);
});

test('the first success of a job never seen before is not a recovery; after a known failure it is', () => {
  assert.deepEqual(play('ok', ['recovery']), ['success:-']);
  assert.deepEqual(play('ok', ['recovery'], 'failing'), ['recovery:mail+webhook']);
  assert.deepEqual(play('ok', ['recovery'], 'up'), ['success:-']);
});

test('always: every run goes to the webhook; a quiet success is not mailed (kopf mails output when there is some)', () => {
  assert.deepEqual(play('quiet ok fail quiet quiet', ['always']), [
    'success:webhook',
    'success:mail+webhook',
    'failure:mail+webhook',
    'recovery:mail+webhook',
    'success:webhook',
  ]);
});

test('late: said once until the job runs again; a success after it is a recovery', () => {
  assert.deepEqual(play('ok late late late ok late', ['late', 'recovery']), [
    'success:-',
    'late:mail+webhook',
    'none:-',
    'none:-',
    'recovery:mail+webhook',
    'late:mail+webhook',
  ]);
});

test('late alone: failures are silent, but a failing job that is also late is reported, once', () => {
  assert.deepEqual(play('fail late fail late late', ['late']), [
    'failure:-',
    'late:mail+webhook',
    'failure:-',
    'late:mail+webhook',
    'none:-',
  ]);
});

test('failure alone: no recovery, no late; an empty notify_on sends nothing', () => {
  assert.deepEqual(play('fail ok late fail', ['failure']), [
    'failure:mail+webhook',
    'recovery:-',
    'late:-',
    'failure:mail+webhook',
  ]);
  assert.deepEqual(play('fail ok late', []), ['failure:-', 'recovery:-', 'late:-']);
});

test('always covers late slots too', () => {
  assert.deepEqual(play('late late ok', ['always']), ['late:mail+webhook', 'none:-', 'recovery:mail+webhook']);
});

test('notify_on default: failure and recovery, and late when late_after is set; a written value is kept', () => {
  assert.deepEqual(effectiveNotifyOn({ notifyOn: undefined, lateAfterMs: undefined }), ['failure', 'recovery']);
  assert.deepEqual(effectiveNotifyOn({ notifyOn: undefined, lateAfterMs: 60_000 }), ['failure', 'recovery', 'late']);
  assert.deepEqual(effectiveNotifyOn({ notifyOn: ['failure'], lateAfterMs: 60_000 }), ['failure']);
  assert.deepEqual(effectiveNotifyOn({ notifyOn: [], lateAfterMs: undefined }), []);
});
