// config.ini [Mail]: good values set the settings; bad ones are errors naming file, line, section, key, expected
// and found.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadSettings } from '../../src/config/load-settings.ts';

let tmp = '';
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pycron-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function load(text: string) {
  const file = path.join(tmp, `config-${Math.random().toString(36).slice(2)}.ini`);
  fs.writeFileSync(file, text);
  return { file, ...loadSettings({ configPath: file, flags: {}, cwd: '/', hostTimezone: 'UTC' }) };
}

test('defaults: localhost, auto; no port, login or sender of its own', () => {
  const { settings, diagnostics } = load('');
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(
    [
      settings.smtpHost,
      settings.smtpPort,
      settings.smtpSecure,
      settings.smtpUser,
      settings.smtpPassword,
      settings.smtpPasswordFile,
      settings.mailFrom,
    ],
    ['localhost', undefined, 'auto', undefined, undefined, undefined, undefined],
  );
});

test('every [Mail] key, good values (a relative password file is relative to the config file)', () => {
  const { settings, diagnostics } = load(
    [
      '[mail]',
      'smtp_host = smtp.example.org',
      'SMTP_PORT = 587',
      'SMTP_SECURE = STARTTLS',
      'SMTP_USER = pycron@example.org',
      'SMTP_PASSWORD = s3cret with spaces',
      'SMTP_PASSWORD_FILE = secrets/smtp',
      'MAIL_FROM = pycron <pycron@example.org>',
    ].join('\n'),
  );
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(
    [
      settings.smtpHost,
      settings.smtpPort,
      settings.smtpSecure,
      settings.smtpUser,
      settings.smtpPassword,
      settings.smtpPasswordFile,
      settings.mailFrom,
    ],
    [
      'smtp.example.org',
      587,
      'starttls',
      'pycron@example.org',
      's3cret with spaces',
      path.join(tmp, 'secrets/smtp'),
      'pycron <pycron@example.org>',
    ],
  );
});

test('bad values: one error each, with file, line, section, key, expected and found', () => {
  const { file, diagnostics } = load(
    [
      '[Mail]',
      'SMTP_HOST = smtp example org',
      'SMTP_PORT = 65536',
      'SMTP_SECURE = ssl',
      'MAIL_FROM = pycron',
      'SMTP_USER = ""',
    ].join('\n'),
  );
  assert.deepEqual(
    diagnostics.map((d) => [d.severity, d.code, d.message]),
    [
      [
        'error',
        'CONFIG_BAD_VALUE',
        `${file}:2 [Mail] SMTP_HOST: expected a host name or IP address (smtp.example.org), got 'smtp example org'`,
      ],
      ['error', 'CONFIG_BAD_VALUE', `${file}:3 [Mail] SMTP_PORT: expected a port number from 1 to 65535, got '65536'`],
      [
        'error',
        'CONFIG_BAD_VALUE',
        `${file}:4 [Mail] SMTP_SECURE: expected one of auto, tls, starttls, none, got 'ssl'`,
      ],
      [
        'error',
        'CONFIG_BAD_VALUE',
        `${file}:5 [Mail] MAIL_FROM: expected a mail address such as ops@example.org (or Name <ops@example.org>), got 'pycron'`,
      ],
      ['error', 'CONFIG_BAD_VALUE', `${file}:6 [Mail] SMTP_USER: expected a user name, got ''`],
    ],
  );
});
