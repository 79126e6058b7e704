// late_after on a FakeClock: a slot with no successful run within late_after is reported once (not started, still
// running, or failed), a later success is a recovery, and pauses, removals and clock jumps are handled.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobOptions } from '../../src/jobs/job-options.ts';
import type { MailMessage } from '../../src/notify/send-mail.ts';
import { finishedRun, notifierOn, notifyJob, t } from './notify-harness.ts';

interface Sent {
  event: string;
  body: Record<string, unknown>;
}

/** A notifier whose webhook and mail are recorded instead of sent; `job` is added at `start`. */
function lateHarness(start: string, options: Partial<JobOptions> = {}) {
  const posts: Sent[] = [];
  const mails: MailMessage[] = [];
  const harness = notifierOn(start, {
    postWebhook: async (_url, body, event) => void posts.push({ event, body: body as Record<string, unknown> }),
    sendMail: async (message) => void mails.push(message),
  });
  const job = notifyJob('backup', '30 2 * * *', {
    lateAfterMs: 15 * 60_000,
    webhookUrl: 'http://127.0.0.1:9/hook',
    ...options,
  });
  harness.events.emit('job:added', { job });
  /** Moves the clock to `iso` and lets the deliveries it caused run. */
  const at = async (iso: string): Promise<void> => {
    harness.clock.jumpTo(iso);
    await harness.notifier.idle();
  };
  return { ...harness, job, posts, mails, at };
}

test('no run by slot + late_after: one late notice, said once; the next success is a recovery', async () => {
  const h = lateHarness('2026-03-10T00:00:00Z', { mailTo: ['ops@example.org'] });
  try {
    await h.at('2026-03-10T02:44:59.999Z');
    assert.equal(h.posts.length, 0);
    await h.at('2026-03-10T02:45:00Z');
    assert.deepEqual(h.posts, [
      {
        event: 'late',
        body: {
          event: 'late',
          job: 'backup',
          host: 'db1',
          scheduled_at: '2026-03-10T02:30:00.000Z',
          late_after_ms: 900_000,
          due_by: '2026-03-10T02:45:00.000Z',
          state: 'not-started',
          running_since: null,
          failed_at: null,
          last_success_at: null,
        },
      },
    ]);
    assert.deepEqual(
      h.mails.map((m) => [m.subject, m.to, m.event]),
      [['[pycron] backup late on db1', ['ops@example.org'], 'late']],
    );
    assert.equal(
      h.mails[0]?.text,
      [
        'Job:          backup',
        'Outcome:      late: no successful run within 15 min of its slot',
        'Host:         db1',
        'Slot:         2026-03-10 02:30:00 +00:00',
        'Due by:       2026-03-10 02:45:00 +00:00',
        'Now:          no run has started since the slot',
        'Last success: none seen since the service started',
        '',
        'This is said once; the next successful run sends a recovery notice.',
        '',
      ].join('\n'),
    );
    assert.deepEqual(h.logger.messages('warn'), [
      'backup: late: no successful run within 15 min of its slot 2026-03-10T02:30:00.000Z',
    ]);

    await h.at('2026-03-11T02:45:00Z');
    assert.equal(h.posts.length, 1, 'a job already late is not reported again');

    h.clock.jumpTo('2026-03-11T02:51:00Z');
    h.events.emit(
      'run:finished',
      finishedRun(h.job, { scheduledAt: '2026-03-11T02:30:00Z', startedAt: '2026-03-11T02:50:00Z' }),
    );
    await h.notifier.idle();
    assert.deepEqual(
      h.posts.map((p) => p.event),
      ['late', 'recovery'],
    );

    // On time the next day: started at the slot, succeeded before the deadline.
    h.clock.jumpTo('2026-03-12T02:30:00Z');
    h.events.emit('run:started', {
      firing: finishedRun(h.job, { scheduledAt: '2026-03-12T02:30:00Z' }).firing,
      runId: 'r3',
      pid: 1,
    });
    h.clock.jumpTo('2026-03-12T02:31:00Z');
    h.events.emit('run:finished', finishedRun(h.job, { scheduledAt: '2026-03-12T02:30:00Z', runId: 'r3' }));
    await h.at('2026-03-13T00:00:00Z');
    assert.deepEqual(
      h.posts.map((p) => p.event),
      ['late', 'recovery'],
    );
    assert.equal(h.clock.pendingTimers, 1, 'one timer per watched job');
  } finally {
    await h.notifier.close();
  }
});

test('a run still going at the deadline is late ("running"); one that failed is late ("failed") after its failure', async () => {
  const h = lateHarness('2026-03-10T00:00:00Z');
  try {
    const slot = '2026-03-10T02:30:00Z';
    h.clock.jumpTo('2026-03-10T02:30:01Z');
    h.events.emit('run:started', { firing: finishedRun(h.job, { scheduledAt: slot }).firing, runId: 'long', pid: 7 });
    await h.at('2026-03-10T02:45:00Z');
    assert.deepEqual(
      h.posts.map((p) => [p.event, p.body.state, p.body.running_since]),
      [['late', 'running', '2026-03-10T02:30:01.000Z']],
    );

    const next = '2026-03-11T02:30:00Z';
    h.clock.jumpTo('2026-03-11T02:31:00Z');
    h.events.emit(
      'run:finished',
      finishedRun(h.job, { scheduledAt: next, startedAt: '2026-03-11T02:30:00Z', exitCode: 4 }),
    );
    await h.at('2026-03-11T02:45:00Z');
    assert.deepEqual(
      h.posts.map((p) => [p.event, p.body.state ?? p.body.status_code]),
      [
        ['late', 'running'],
        ['failure', 4],
        ['late', 'failed'],
      ],
    );
    assert.equal(h.posts[2]?.body.failed_at, '2026-03-11T02:30:01.500Z');
  } finally {
    await h.notifier.close();
  }
});

test('a paused job is never late; after resume, slots from then on are watched', async () => {
  const h = lateHarness('2026-03-10T00:00:00Z');
  try {
    h.events.emit('job:paused', { job: 'backup', paused: true });
    assert.equal(h.clock.pendingTimers, 0);
    await h.at('2026-03-12T00:00:00Z');
    h.events.emit('job:paused', { job: 'backup', paused: false });
    await h.at('2026-03-12T02:44:59Z');
    assert.equal(h.posts.length, 0);
    await h.at('2026-03-12T02:45:00Z');
    assert.deepEqual(
      h.posts.map((p) => p.body.scheduled_at),
      ['2026-03-12T02:30:00.000Z'],
    );
  } finally {
    await h.notifier.close();
  }
});

test('a job already paused when it is added (the state file says so) is not watched until resumed', async () => {
  const posts: unknown[] = [];
  const h = notifierOn('2026-03-10T00:00:00Z', {
    isPaused: (name) => name === 'backup',
    postWebhook: async (_url, body) => void posts.push(body),
  });
  h.events.emit('job:added', {
    job: notifyJob('backup', '30 2 * * *', { lateAfterMs: 60_000, webhookUrl: 'http://127.0.0.1:9/hook' }),
  });
  assert.equal(h.clock.pendingTimers, 0);
  h.clock.jumpTo('2026-03-11T00:00:00Z');
  await h.notifier.idle();
  assert.equal(posts.length, 0);
  await h.notifier.close();
});

test('a clock jump over many slots gives one notice and one timer, not one per slot', async () => {
  const h = lateHarness('2026-03-10T00:00:00Z', { lateAfterMs: 30_000 });
  const every = notifyJob('minutely', '* * * * *', { lateAfterMs: 30_000, webhookUrl: 'http://127.0.0.1:9/hook' });
  h.events.emit('job:added', { job: every });
  try {
    await h.at('2026-03-20T00:00:00Z');
    assert.deepEqual(
      h.posts.map((p) => [p.body.job, p.body.scheduled_at]),
      [
        ['minutely', '2026-03-10T00:01:00.000Z'],
        ['backup', '2026-03-10T02:30:00.000Z'],
      ],
    );
    assert.equal(h.clock.pendingTimers, 2);
    assert.equal(h.logger.messages('warn').length, 2);
  } finally {
    await h.notifier.close();
  }
});

test('removed, disabled, or without late_after: no timer and no notice', async () => {
  const h = lateHarness('2026-03-10T00:00:00Z');
  try {
    h.events.emit('job:removed', { job: h.job });
    h.events.emit('job:added', { job: notifyJob('plain', '@hourly', { webhookUrl: 'http://127.0.0.1:9/hook' }) });
    h.events.emit('job:added', { job: { ...notifyJob('off', '@hourly', { lateAfterMs: 60_000 }), enabled: false } });
    assert.equal(h.clock.pendingTimers, 0);
    await h.at('2026-03-12T00:00:00Z');
    assert.equal(h.posts.length, 0);
  } finally {
    await h.notifier.close();
  }
});

test('a changed job keeps watching its slot under the new schedule; late_after removed stops the watch', async () => {
  const h = lateHarness('2026-03-10T00:00:00Z');
  try {
    h.events.emit('job:changed', {
      job: notifyJob('backup', '0 3 * * *', { lateAfterMs: 60_000, webhookUrl: 'http://127.0.0.1:9/hook' }),
    });
    await h.at('2026-03-10T03:00:59Z');
    assert.equal(h.posts.length, 0);
    await h.at('2026-03-10T03:01:00Z');
    assert.deepEqual(
      h.posts.map((p) => p.body.due_by),
      ['2026-03-10T03:01:00.000Z'],
    );
    h.events.emit('job:changed', { job: notifyJob('backup', '0 3 * * *', { webhookUrl: 'http://127.0.0.1:9/hook' }) });
    assert.equal(h.clock.pendingTimers, 0);
    assert.equal(t('2026-03-10T03:01:00Z'), h.clock.now());
  } finally {
    await h.notifier.close();
  }
});
