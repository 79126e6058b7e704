import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import ini from 'ini';
import { findIniEntry, parseIni, readIni } from '../../src/config/read-ini.ts';

const FILE = '/srv/pycron/config.ini';

test('sections, keys and line numbers; lookups ignore case', () => {
  const { document, diagnostics } = parseIni(
    '# top\n\n[Timings]\nSLEEP_DURATION = 1\n\n[Folders]\n  jobs_folder=jobs\n',
    FILE,
  );
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(findIniEntry(document, 'timings', 'sleep_duration'), { key: 'SLEEP_DURATION', value: '1', line: 4 });
  assert.deepEqual(findIniEntry(document, 'FOLDERS', 'JOBS_FOLDER'), { key: 'jobs_folder', value: 'jobs', line: 7 });
  assert.equal(document.sections.get('timings')?.line, 3);
  assert.equal(findIniEntry(document, 'Timings', 'MISSING'), undefined);
});

test('true, false, null, numbers and bare keys come back as strings', () => {
  const { document } = parseIni("[a]\nx = true\ny = false\nz = null\nn = 5\nq = '7'\nbare\n", FILE);
  const values = ['x', 'y', 'z', 'n', 'q', 'bare'].map((key) => findIniEntry(document, 'a', key)?.value);
  assert.deepEqual(values, ['true', 'false', 'null', '5', '7', 'true']);
});

test('a UTF-8 BOM is stripped, so the first section is still a section', () => {
  const { document } = parseIni('\uFEFF[Timings]\nSLEEP_DURATION = 2\n', FILE);
  assert.equal(findIniEntry(document, 'Timings', 'SLEEP_DURATION')?.value, '2');
  assert.deepEqual([...document.sections.keys()], ['', 'timings']);
});

test('CRLF and CR line endings keep line numbers right', () => {
  const { document } = parseIni('[a]\r\n\r\nx = 1\ry = 2\r\n', FILE);
  assert.equal(findIniEntry(document, 'a', 'x')?.line, 3);
  assert.equal(findIniEntry(document, 'a', 'y')?.line, 4);
});

test('an unquoted # or ; in a value is warned about, with the line; ini cut the value there', () => {
  const text = '[Jobs]\n\nX = 0 0 * * 5#2\nY = echo a; echo b\nZ = INFO ; chatty\n';
  const { document, diagnostics } = parseIni(text, FILE);
  assert.equal(findIniEntry(document, 'Jobs', 'X')?.value, '0 0 * * 5');
  assert.equal(findIniEntry(document, 'Jobs', 'Y')?.value, 'echo a');
  assert.deepEqual(
    diagnostics.map((d) => [d.severity, d.code, d.path, d.message]),
    [
      [
        'warning',
        'CONFIG_INI_COMMENT',
        FILE,
        `${FILE}:3 [Jobs] X: the value holds an unquoted '#', which ini reads as a comment; quote the value ("...") to keep it`,
      ],
      [
        'warning',
        'CONFIG_INI_COMMENT',
        FILE,
        `${FILE}:4 [Jobs] Y: the value holds an unquoted ';', which ini reads as a comment; quote the value ("...") to keep it`,
      ],
      [
        'warning',
        'CONFIG_INI_COMMENT',
        FILE,
        `${FILE}:5 [Jobs] Z: the value holds an unquoted ';', which ini reads as a comment; quote the value ("...") to keep it`,
      ],
    ],
  );
});

test('quoted and escaped # and ; are kept, without a warning; outside a section the message has no section', () => {
  const text = `A = '0 0 * * 5#2'\nB = "echo a; echo b"\nC = 5\\#2\n[s]\nD = '[1,2]'\n`;
  const { document, diagnostics } = parseIni(text, FILE);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(
    ['A', 'B', 'C'].map((k) => findIniEntry(document, '', k)?.value),
    ['0 0 * * 5#2', 'echo a; echo b', '5#2'],
  );
  assert.equal(findIniEntry(document, 's', 'D')?.value, '[1,2]');

  const cut = parseIni('schedule = */5 * * * * # every 5 minutes\n', '/jobs/x/job.ini');
  assert.equal(
    cut.diagnostics[0]?.message,
    `/jobs/x/job.ini:1 schedule: the value holds an unquoted '#', which ini reads as a comment; quote the value ("...") to keep it`,
  );
});

test('a key given twice (in any case) is a warning; the last one counts; a repeated section merges', () => {
  const { document, diagnostics } = parseIni('[T]\nA = 1\n[U]\n[t]\na = 2\n', FILE);
  assert.equal(findIniEntry(document, 'T', 'A')?.value, '2');
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.message]),
    [['CONFIG_DUPLICATE_KEY', `${FILE}:5 [T] a: given twice (line 2 and line 5); the last one counts`]],
  );
});

test('values agree with ini.decode on an ordinary file', () => {
  const text =
    '[Timings]\nSLEEP_DURATION = 1\nFLAG = true\nEMPTY =\n[Folders]\nJOBS = "quoted # kept"\nLOGS = a ; cut\nESC = a\\;b\n';
  const decoded = ini.decode(text) as Record<string, Record<string, unknown>>;
  const { document } = parseIni(text, FILE);
  for (const [section, keys] of Object.entries(decoded)) {
    for (const [key, value] of Object.entries(keys)) {
      assert.equal(findIniEntry(document, section, key)?.value, String(value), `${section}.${key}`);
    }
  }
});

test('readIni reads a file; an unreadable one is an error diagnostic with the code asked for', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pycron-'));
  try {
    const file = path.join(dir, 'config.ini');
    fs.writeFileSync(file, '\uFEFF[Logging]\nLOG_LEVEL = DEBUG\n');
    assert.equal(findIniEntry(readIni(file).document, 'Logging', 'LOG_LEVEL')?.value, 'DEBUG');

    const missing = path.join(dir, 'missing.ini');
    assert.deepEqual(readIni(missing).diagnostics, [
      {
        severity: 'error',
        code: 'IO_FAILED',
        path: missing,
        message: `${missing}: cannot be read (ENOENT: no such file or directory, open '${missing}')`,
      },
    ]);
    assert.equal(readIni(dir, { unreadableCode: 'CONFIG_NOT_FOUND' }).diagnostics[0]?.code, 'CONFIG_NOT_FOUND');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('keys are never cut at # or ;, a quoted key may hold =, and escapes in keys are read as in values', () => {
  const text = '[cron]\n0 0 * * 5#2 = a\n"TZ=Asia/Tokyo 0 9 * * *" = b\n\'x = y\'\nk\\;ey = c\n*/5 * * * * = d\n';
  const { document, diagnostics } = parseIni(text, FILE);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(
    [...(document.sections.get('cron')?.entries.values() ?? [])].map((e) => [e.key, e.value, e.line]),
    [
      ['0 0 * * 5#2', 'a', 2],
      ['TZ=Asia/Tokyo 0 9 * * *', 'b', 3],
      ['x = y', 'true', 4],
      ['k;ey', 'c', 5],
      ['*/5 * * * *', 'd', 6],
    ],
  );
});

test('raw-value sections keep values as written, without a comment warning; a bare key is empty', () => {
  const text = `[trigger]\nr = --title "a; b" 'c' # note\nbare\n[other]\nq = x ; y\n`;
  const { document, diagnostics } = parseIni(text, FILE, { rawValueSections: ['trigger'] });
  assert.deepEqual(findIniEntry(document, 'trigger', 'r')?.value, `--title "a; b" 'c' # note`);
  assert.deepEqual(findIniEntry(document, 'trigger', 'bare')?.value, '');
  assert.deepEqual(findIniEntry(document, 'other', 'q')?.value, 'x');
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['CONFIG_INI_COMMENT'],
  );
});
