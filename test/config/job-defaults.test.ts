// config.ini [Defaults]: job.ini keys for every job, checked at load with job.ini's own parsers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadSettings } from '../../src/config/load-settings.ts';
import { JOB_INI_KEYS } from '../../src/jobs/job-ini-keys.ts';
import type { UserLookup } from '../../src/jobs/resolve-run-as-user.ts';

let tmp = '';
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pycron-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function load(text: string, users?: UserLookup) {
  const file = path.join(tmp, `config-${Math.random().toString(36).slice(2)}.ini`);
  fs.writeFileSync(file, text);
  return {
    file,
    ...loadSettings({ configPath: file, flags: {}, cwd: tmp, hostTimezone: 'UTC', ...(users ? { users } : {}) }),
  };
}

test('[Defaults] keys are kept as written, with file and line, under their canonical names; dashes and case as in job.ini', () => {
  const { file, settings, diagnostics } = load(
    '[Jobs]\nTIMEZONE = UTC\n\n[defaults]\nOverlap = asap\nlog-output = yes\nretry_delay = 30s\n',
  );
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(settings.jobDefaults, {
    overlap: { key: 'Overlap', value: 'asap', line: 5, file, section: 'defaults' },
    log_output: { key: 'log-output', value: 'yes', line: 6, file, section: 'defaults' },
    retry_delay: { key: 'retry_delay', value: '30s', line: 7, file, section: 'defaults' },
  });
});

test('a wrong value is an error naming file, line, section, key, expected and found', () => {
  const { file, settings, diagnostics } = load(
    '[Defaults]\novarlap = asap\novErlap = often\nmax_attempts = 0\ndir =\n',
  );
  assert.deepEqual(
    diagnostics.map((d) => [d.severity, d.code, d.message]),
    [
      [
        'warning',
        'CONFIG_UNKNOWN_KEY',
        `${file}:2 [Defaults] ovarlap: unknown key (known keys in [Defaults]: ${JOB_INI_KEYS.filter((k) => k.inDefaults)
          .map((k) => k.key)
          .join(', ')}); did you mean overlap?`,
      ],
      [
        'error',
        'CONFIG_BAD_VALUE',
        `${file}:3 [Defaults] ovErlap: expected one of ignore, asap, queue, parallel, replace, got 'often'`,
      ],
      ['error', 'CONFIG_BAD_VALUE', `${file}:4 [Defaults] max_attempts: expected a whole number of 1 or more, got '0'`],
      [
        'error',
        'CONFIG_BAD_VALUE',
        `${file}:5 [Defaults] dir: expected an existing folder, relative to the job folder, got ''`,
      ],
    ],
  );
  assert.deepEqual(settings.jobDefaults, {});
});

test('schedule, command and proto belong to each job: warned about and ignored; two spellings of one key warned', () => {
  const { file, settings, diagnostics } = load(
    '[Defaults]\nschedule = @daily\ncommand = true\nproto = base\nlog_start = no\nlog-start = yes\n',
  );
  assert.deepEqual(
    diagnostics.map((d) => [d.severity, d.code, d.message]),
    [
      [
        'warning',
        'CONFIG_UNKNOWN_KEY',
        `${file}:2 [Defaults] schedule: schedule belongs to each job (its job.ini or schedule file); in [Defaults] it is ignored`,
      ],
      [
        'warning',
        'CONFIG_UNKNOWN_KEY',
        `${file}:3 [Defaults] command: command belongs to each job (its job.ini); in [Defaults] it is ignored`,
      ],
      [
        'warning',
        'CONFIG_UNKNOWN_KEY',
        `${file}:4 [Defaults] proto: proto belongs to each job (its job.ini); in [Defaults] it is ignored`,
      ],
      [
        'warning',
        'CONFIG_DUPLICATE_KEY',
        `${file}:6 [Defaults] log-start: ignored, because log_start is given too (line 5)`,
      ],
    ],
  );
  assert.deepEqual(Object.keys(settings.jobDefaults), ['log_start']);
});

test('user = in [Defaults] is refused at load when pycron is not root', () => {
  const users: UserLookup = {
    euid: () => 1000,
    find: (text) =>
      [
        { name: 'alice', uid: 1000, gid: 1000 },
        { name: 'www-data', uid: 33, gid: 33 },
      ].find((u) => u.name === text || String(u.uid) === text),
  };
  const { file, diagnostics } = load('[Defaults]\nuser = www-data\n', users);
  assert.deepEqual(
    diagnostics.map((d) => d.message),
    [
      `${file}:2 [Defaults] user: expected pycron's own user (alice, uid 1000): only a pycron running as root can run jobs as another user, got 'www-data'`,
    ],
  );
  assert.deepEqual(load('[Defaults]\nuser = alice\n', users).diagnostics, []);
});

test('a job key outside any section is pointed to [Defaults]', () => {
  const { file, diagnostics } = load('overlap = asap\n');
  assert.deepEqual(
    diagnostics.map((d) => d.message),
    [`${file}:1 overlap: this key belongs in [Defaults]; outside any section it is ignored`],
  );
});
