// The mail text for each way a run can end, bounded output, and a subject that stays one line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOTIFY_OUTPUT_MAX_CHARS } from '../../src/notify/bound-text.ts';
import { describeRunEnd, formatMail } from '../../src/notify/format-mail.ts';
import type { StatusRecord } from '../../src/statuslog/status-record.ts';
import { finishedRun, notifyJob } from './notify-harness.ts';

const job = notifyJob('backup', '30 2 * * *', {});

function record(overrides: Partial<StatusRecord>): StatusRecord {
  return { ...finishedRun(job, { scheduledAt: '2026-03-10T02:30:00Z', exitCode: 1 }).record, ...overrides };
}

test('how a failed run ended, in a few words', () => {
  assert.deepEqual(
    [
      record({ status_code: 3 }),
      record({ status_code: null, signal: 'SIGTERM', timed_out: true, duration_ms: 300_000 }),
      record({ status_code: null, signal: 'SIGKILL' }),
      record({ status_code: null, spawn_error: 'spawn /jobs/backup/run.sh EACCES' }),
      record({ status_code: 0, spawn_error: 'the run was interrupted by a service restart' }),
    ].map(describeRunEnd),
    [
      'exit code 3',
      'timed out after 5 min',
      'killed by SIGKILL',
      'could not start',
      'the run was interrupted by a service restart',
    ],
  );
});

test('signal, arguments and repeated failures appear in the body; Next run none when there is none', () => {
  const mail = formatMail({
    kind: 'failure',
    record: record({
      status_code: null,
      signal: 'SIGKILL',
      args: ['--full', 'sales'],
      number_of_failed_attempts: 3,
      next_run: null,
    }),
    title: 'backup',
    zone: 'Europe/Berlin',
  });
  assert.equal(mail.subject, '[pycron] backup failed: killed by SIGKILL on db1');
  assert.match(mail.text, /^Outcome: {4}failed: killed by SIGKILL \(3 failed runs in a row\)$/m);
  assert.match(mail.text, /^Slot: {7}2026-03-10 03:30:00 \+01:00$/m);
  assert.match(mail.text, /^Exit code: {2}none$/m);
  assert.match(mail.text, /^Signal: {5}SIGKILL$/m);
  assert.match(mail.text, /^Arguments: {2}--full sales$/m);
  assert.match(mail.text, /^Next run: {3}none$/m);
});

test('long output is cut in the middle, and the mail says where the rest is', () => {
  const output = `first line\n${'y'.repeat(3 * NOTIFY_OUTPUT_MAX_CHARS)}\nlast line\n`;
  const mail = formatMail({
    kind: 'failure',
    record: record({ output, output_truncated: true }),
    title: 'backup',
    zone: 'UTC',
  });
  const cut = output.length - NOTIFY_OUTPUT_MAX_CHARS;
  assert.ok(
    mail.text.includes(
      `----- stdout (cut at capture by OUTPUT_CAPTURE_BYTES; ${cut} characters cut for this mail; the status log has the rest) -----\nfirst line\n`,
    ),
  );
  assert.ok(mail.text.includes(`\n[... ${cut} characters cut ...]\n`));
  assert.ok(mail.text.includes('y\nlast line\n\n----- stderr: empty -----\n'));
  assert.ok(mail.text.length < NOTIFY_OUTPUT_MAX_CHARS + 2000);
});

test('a control character in a job name cannot start a new header', () => {
  const mail = formatMail({
    kind: 'success',
    record: record({ job: 'evil\r\nBcc: x@example.org', ok: true }),
    title: 't',
    zone: 'UTC',
  });
  assert.equal(mail.subject, '[pycron] evil Bcc: x@example.org succeeded on db1');
});
