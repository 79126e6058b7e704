// The Notifier's wiring with recorded deliveries: what the state file says seeds recovery, jobs it was not told
// about are looked up, jobs with nowhere to send cost nothing, and a broken sender never reaches the bus.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MailMessage } from '../../src/notify/send-mail.ts';
import { finishedRun, notifierOn, notifyJob } from './notify-harness.ts';

const mailJob = notifyJob('backup', '30 2 * * *', { mailTo: ['ops@example.org'] });

function recorded(deps: Parameters<typeof notifierOn>[1] = {}) {
  const mails: MailMessage[] = [];
  const harness = notifierOn('2026-03-10T03:00:00Z', { sendMail: async (m) => void mails.push(m), ...deps });
  return { ...harness, mails };
}

test('after a restart, the first success of a job the state file says was failing is a recovery', async () => {
  const h = recorded({ lastOutcomeOf: (name) => (name === 'backup' ? 'failure' : undefined) });
  h.events.emit('job:added', { job: mailJob });
  h.events.emit('run:finished', finishedRun(mailJob, { scheduledAt: '2026-03-10T02:30:00Z' }));
  await h.notifier.idle();
  assert.deepEqual(
    h.mails.map((m) => m.subject),
    ['[pycron] backup recovered on db1'],
  );
  await h.notifier.close();
});

test('a job not seen added is looked up; a failure that is not the first in a row is known to follow a failure', async () => {
  const h = recorded({ lookupJob: (name) => (name === 'backup' ? mailJob : undefined) });
  h.events.emit(
    'run:finished',
    finishedRun(mailJob, { scheduledAt: '2026-03-10T02:30:00Z', exitCode: 1, failedAttempts: 2 }),
  );
  h.events.emit('run:finished', finishedRun(mailJob, { scheduledAt: '2026-03-10T02:35:00Z' }));
  await h.notifier.idle();
  assert.deepEqual(
    h.mails.map((m) => m.event),
    ['failure', 'recovery'],
  );
  await h.notifier.close();
});

test('jobs with no mail_to and no webhook_url send nothing; an unknown job is ignored', async () => {
  const h = recorded();
  const quiet = notifyJob('quiet', '@hourly', {});
  h.events.emit('job:added', { job: quiet });
  h.events.emit('run:finished', finishedRun(quiet, { scheduledAt: '2026-03-10T02:00:00Z', exitCode: 1 }));
  h.events.emit(
    'run:finished',
    finishedRun(notifyJob('ghost', '@hourly', {}), { scheduledAt: '2026-03-10T02:00:00Z', exitCode: 1 }),
  );
  await h.notifier.idle();
  assert.equal(h.mails.length, 0);
  assert.deepEqual(h.logger.entries, []);
  await h.notifier.close();
});

test('a sender that throws at once is a failed delivery, logged; other listeners of the bus still run', async () => {
  const h = recorded({
    sendMail: () => {
      throw new Error('boom');
    },
    queue: { retryDelaysMs: [] },
  });
  let heard = 0;
  h.events.on('run:finished', () => heard++);
  h.events.emit('job:added', { job: mailJob });
  h.events.emit('run:finished', finishedRun(mailJob, { scheduledAt: '2026-03-10T02:30:00Z', exitCode: 1 }));
  await h.notifier.idle();
  assert.equal(heard, 1);
  assert.deepEqual(h.logger.messages('error'), [
    'notification not delivered after 1 attempt(s): mail to ops@example.org about backup (failure): boom',
  ]);
  await h.notifier.close();
});

test('after close, events are no longer heard', async () => {
  const h = recorded();
  h.events.emit('job:added', { job: mailJob });
  await h.notifier.close();
  h.events.emit('run:finished', finishedRun(mailJob, { scheduledAt: '2026-03-10T02:30:00Z', exitCode: 1 }));
  assert.equal(h.mails.length, 0);
});
