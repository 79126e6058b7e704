// job.ini's notification keys: good values set the job's options; a bad one is an error naming the file, the line,
// the key, what was expected and what was found, and only that job is left out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultJobOptions } from '../../src/jobs/job-options.ts';
import { DURATION_EXPECTED } from '../../src/jobs/parse-duration.ts';
import { scanTree } from '../jobs/job-tree.ts';

const RUN = 'schedule = @daily\ncommand = true\n';

test('good values: addresses (bare and named), notify_on words in any case, an https URL, a duration', async () => {
  const { jobs, diagnostics, J } = await scanTree({
    'backup/job.ini': [
      RUN.trim(),
      'mail_to = ops@example.org,  Backup Team <backup+nightly@mail.example.org> ,',
      'mail-from = Backups <backup@example.org>',
      'notify_on = FAILURE, late, failure',
      'webhook_url = https://user:secret@hooks.example.org:8443/pycron?token=abc',
      'late_after = 1h30m',
    ].join('\n'),
    'quiet/job.ini': `${RUN}mail_to = root@localhost\nnotify_on =\n`,
  });
  assert.deepEqual(diagnostics, []);
  const [backup, quiet] = jobs;
  assert.deepEqual(backup?.options, {
    ...defaultJobOptions(`${J}/backup`, 'backup'),
    mailTo: ['ops@example.org', 'Backup Team <backup+nightly@mail.example.org>'],
    mailFrom: 'Backups <backup@example.org>',
    notifyOn: ['failure', 'late'],
    webhookUrl: 'https://user:secret@hooks.example.org:8443/pycron?token=abc',
    lateAfterMs: 5_400_000,
  });
  assert.deepEqual([quiet?.options.mailTo, quiet?.options.notifyOn], [['root@localhost'], []]);
});

test('a job that sets none of them: no mail, no webhook, no late watch, notify_on left to its default', async () => {
  const { jobs } = await scanTree({ 'plain/job.ini': RUN });
  const options = jobs[0]?.options;
  assert.deepEqual(
    [options?.mailTo, options?.mailFrom, options?.notifyOn, options?.webhookUrl, options?.lateAfterMs],
    [[], undefined, undefined, undefined, undefined],
  );
});

/** [key, bad value, what the message says was expected]. */
const BAD_VALUES: [string, string, string][] = [
  [
    'mail_to',
    'ops@example.org, nobody',
    'a comma-separated list of mail addresses such as ops@example.org, Name <dev@example.org>',
  ],
  [
    'mail_to',
    'ops@example..org',
    'a comma-separated list of mail addresses such as ops@example.org, Name <dev@example.org>',
  ],
  ['mail_from', 'Ops <ops>', 'a mail address such as ops@example.org (or Name <ops@example.org>)'],
  ['notify_on', 'failure, sometimes', 'a comma-separated list of failure, recovery, always, late'],
  ['webhook_url', 'ftp://example.org/hook', 'an http:// or https:// URL with a host'],
  ['webhook_url', 'hooks.example.org/pycron', 'an http:// or https:// URL with a host'],
  ['late_after', '0', `${DURATION_EXPECTED} (above 0, at most 24 days)`],
  ['late_after', 'soon', `${DURATION_EXPECTED} (above 0, at most 24 days)`],
];

test('each bad value: an error with file, line, key, expected and found; that job alone is not loaded', async () => {
  const files: Record<string, string> = { 'good/job.ini': RUN };
  BAD_VALUES.forEach(([key, value], index) => {
    files[`bad${index}/job.ini`] = `${RUN}${key} = ${value}\n`;
  });
  const { jobs, diagnostics, J } = await scanTree(files);
  assert.deepEqual(
    jobs.map((j) => j.name),
    ['good'],
  );
  const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : 1);
  assert.deepEqual(
    [...diagnostics].sort(byPath),
    BAD_VALUES.map(([key, value, expected], index) => ({
      severity: 'error',
      code: 'JOB_INVALID',
      path: `${J}/bad${index}/job.ini`,
      message: `line 3: ${key}: expected ${expected}, got '${value}'`,
    })).sort(byPath),
  );
});
