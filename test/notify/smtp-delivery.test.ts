// Mail notifications through a real SMTP server started by the test on 127.0.0.1: the message received (envelope,
// headers, body), the login, and a refused login logged without the password.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { finishedRun, mailSettings, notifierOn, notifyJob, startSmtpReceiver } from './notify-harness.ts';

let tmp = '';
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pycron-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('a failed run is mailed: envelope, From, To, Subject with job, outcome and host, and the whole story', async () => {
  const smtp = await startSmtpReceiver();
  const { events, notifier, logger } = notifierOn('2026-03-10T02:30:05Z', {
    mailSettings: () => mailSettings({ smtpPort: smtp.port, mailFrom: 'pycron <pycron@db1.example.org>' }),
  });
  try {
    const job = notifyJob('backup', '30 2 * * *', {
      title: 'Nightly backup',
      mailTo: ['ops@example.org', 'Backup Team <backup@example.org>'],
    });
    events.emit('job:added', { job });
    events.emit(
      'run:finished',
      finishedRun(job, {
        scheduledAt: '2026-03-10T02:30:00Z',
        startedAt: '2026-03-10T02:30:00.010Z',
        durationMs: 1500,
        exitCode: 3,
        stdout: 'dumping sales\n',
        stderr: 'pg_dump: connection refused\n',
      }),
    );
    const [mail] = await smtp.received(1);
    assert.ok(mail);
    assert.equal(mail.from, 'pycron@db1.example.org');
    assert.deepEqual(mail.to, ['ops@example.org', 'backup@example.org']);
    assert.equal(mail.headers.get('from'), 'pycron <pycron@db1.example.org>');
    assert.equal(mail.headers.get('to'), 'ops@example.org, Backup Team <backup@example.org>');
    assert.equal(mail.headers.get('subject'), '[pycron] backup failed: exit code 3 on db1');
    assert.equal(mail.headers.get('x-pycron-event'), 'failure');
    assert.equal(
      mail.body,
      [
        'Job:        backup (Nightly backup)',
        'Outcome:    failed: exit code 3',
        'Host:       db1',
        'Why it ran: scheduled',
        'Slot:       2026-03-10 02:30:00 +00:00',
        'Started:    2026-03-10 02:30:00 +00:00',
        'Ended:      2026-03-10 02:30:01 +00:00',
        'Duration:   1.5 s',
        'Exit code:  3',
        'Next run:   2026-03-11 02:30:00 +00:00',
        'Run id:     run-1773109800010',
        'File:       /jobs/backup/run.sh',
        '',
        '----- stdout -----',
        'dumping sales',
        '',
        '----- stderr -----',
        'pg_dump: connection refused',
        '',
      ].join('\n'),
    );
    await notifier.idle();
    assert.deepEqual(logger.messages('info'), [
      'notification sent: mail to ops@example.org, Backup Team <backup@example.org> about backup (failure)',
    ]);
  } finally {
    await notifier.close();
    await smtp.close();
  }
});

test('recovery after a failure is mailed with empty output said so; a quiet success under the default is not', async () => {
  const smtp = await startSmtpReceiver();
  const { events, notifier } = notifierOn('2026-03-10T02:30:05Z', {
    mailSettings: () => mailSettings({ smtpPort: smtp.port }),
  });
  try {
    const job = notifyJob('backup', '30 2 * * *', { mailTo: ['ops@example.org'], mailFrom: 'backup@example.org' });
    events.emit('job:added', { job });
    events.emit('run:finished', finishedRun(job, { scheduledAt: '2026-03-09T02:30:00Z', stdout: 'fine\n' }));
    events.emit('run:finished', finishedRun(job, { scheduledAt: '2026-03-10T02:30:00Z', exitCode: 1 }));
    events.emit('run:finished', finishedRun(job, { scheduledAt: '2026-03-11T02:30:00Z' }));
    events.emit('run:finished', finishedRun(job, { scheduledAt: '2026-03-12T02:30:00Z', stdout: 'fine\n' }));
    await notifier.idle();
    const mails = await smtp.received(2);
    assert.deepEqual(
      mails.map((m) => [m.from, m.headers.get('subject')]),
      [
        ['backup@example.org', '[pycron] backup failed: exit code 1 on db1'],
        ['backup@example.org', '[pycron] backup recovered on db1'],
      ],
    );
    assert.match(mails[1]?.body ?? '', /^Outcome: {4}recovered: succeeded after failing$/m);
    assert.match(mails[1]?.body ?? '', /\n----- stdout: empty -----\n\n----- stderr: empty -----\n$/);
  } finally {
    await notifier.close();
    await smtp.close();
  }
});

test('notify_on = always mails a successful run that wrote output (kopf), with MAIL_FROM defaulting to pycron@host', async () => {
  const smtp = await startSmtpReceiver();
  const { events, notifier } = notifierOn('2026-03-10T02:30:05Z', {
    mailSettings: () => mailSettings({ smtpPort: smtp.port }),
  });
  try {
    const job = notifyJob('report', '@daily', { mailTo: ['ops@example.org'], notifyOn: ['always'] });
    events.emit('job:added', { job });
    events.emit('run:finished', finishedRun(job, { scheduledAt: '2026-03-10T00:00:00Z' }));
    events.emit('run:finished', finishedRun(job, { scheduledAt: '2026-03-11T00:00:00Z', stdout: '3 new orders\n' }));
    await notifier.idle();
    const [mail] = await smtp.received(1);
    assert.equal(smtp.mails.length, 1);
    assert.equal(mail?.from, 'pycron@db1');
    assert.equal(mail?.headers.get('subject'), '[pycron] report succeeded on db1');
    assert.match(mail?.body ?? '', /\n----- stdout -----\n3 new orders\n/);
  } finally {
    await notifier.close();
    await smtp.close();
  }
});

test('a login with SMTP_PASSWORD_FILE; a refused login is retried and logged, and no log line holds the password', async () => {
  const smtp = await startSmtpReceiver({ user: 'pycron', pass: 'file-secret-1' });
  const passwordFile = path.join(tmp, 'smtp-password');
  fs.writeFileSync(passwordFile, 'file-secret-1\n');
  let settings = mailSettings({
    smtpPort: smtp.port,
    smtpUser: 'pycron',
    smtpPassword: 'config-secret',
    smtpPasswordFile: passwordFile,
  });
  const { events, notifier, logger, clock } = notifierOn('2026-03-10T02:30:05Z', { mailSettings: () => settings });
  try {
    const job = notifyJob('backup', '30 2 * * *', { mailTo: ['ops@example.org'] });
    events.emit('job:added', { job });
    events.emit('run:finished', finishedRun(job, { scheduledAt: '2026-03-10T02:30:00Z', exitCode: 1 }));
    const [mail] = await smtp.received(1);
    assert.equal(mail?.user, 'pycron');

    settings = { ...settings, smtpPasswordFile: undefined, smtpPassword: 'wrong-secret-2' };
    events.emit('run:finished', finishedRun(job, { scheduledAt: '2026-03-11T02:30:00Z', exitCode: 1 }));
    await notifier.idle();
    clock.advance(60_000);
    await notifier.idle();
    clock.advance(240_000);
    await notifier.idle();
    assert.equal(smtp.mails.length, 1);
    const label = 'mail to ops@example.org about backup (failure)';
    assert.deepEqual(logger.messages('warn'), [
      `notification failed (attempt 1 of 3), retrying at 2026-03-10T02:31:05.000Z: ${label}: SMTP 127.0.0.1: login refused (535)`,
      `notification failed (attempt 2 of 3), retrying at 2026-03-10T02:35:05.000Z: ${label}: SMTP 127.0.0.1: login refused (535)`,
    ]);
    assert.deepEqual(logger.messages('error'), [
      `notification not delivered after 3 attempt(s): ${label}: SMTP 127.0.0.1: login refused (535)`,
    ]);
    const everything = JSON.stringify(logger.entries);
    for (const secret of ['file-secret-1', 'wrong-secret-2', 'config-secret'])
      assert.ok(!everything.includes(secret), secret);
  } finally {
    await notifier.close();
    await smtp.close();
  }
});

test('no SMTP server listening: the failure is logged and scheduling goes on (the listener returns at once)', async () => {
  const smtp = await startSmtpReceiver();
  await smtp.close();
  const { events, notifier, logger } = notifierOn('2026-03-10T02:30:05Z', {
    mailSettings: () => mailSettings({ smtpPort: smtp.port }),
    queue: { retryDelaysMs: [] },
  });
  try {
    const job = notifyJob('backup', '30 2 * * *', { mailTo: ['ops@example.org'] });
    events.emit('job:added', { job });
    events.emit('run:finished', finishedRun(job, { scheduledAt: '2026-03-10T02:30:00Z', exitCode: 1 }));
    assert.deepEqual(logger.entries, [], 'run:finished waited for the delivery');
    await notifier.idle();
    assert.deepEqual(logger.messages('error'), [
      'notification not delivered after 1 attempt(s): mail to ops@example.org about backup (failure): SMTP 127.0.0.1: connect ECONNREFUSED 127.0.0.1:' +
        smtp.port,
    ]);
  } finally {
    await notifier.close();
  }
});
