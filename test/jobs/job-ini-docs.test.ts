// docs/job-ini.md is checked against the key and section tables, so a new key can't go undocumented.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { JOB_INI_KEYS, type JobIniKeySpec } from '../../src/jobs/job-ini-keys.ts';
import { JOB_INI_SECTIONS } from '../../src/jobs/read-job-ini.ts';
import { scanTree } from './job-tree.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOCS = fs.readFileSync(path.join(ROOT, 'docs/job-ini.md'), 'utf8');

function renderKeyRow(spec: JobIniKeySpec): string {
  return `| \`${spec.key}\` | ${spec.default} | ${spec.doc} | \`${spec.key} = ${spec.example}\` |`;
}

test('docs/job-ini.md has a row for every key, rendered from the key table, and no other', () => {
  for (const spec of JOB_INI_KEYS) {
    const row = renderKeyRow(spec);
    assert.ok(
      DOCS.includes(`\n${row}\n`),
      `docs/job-ini.md lacks (or has an old) row for ${spec.key}; expected:\n${row}`,
    );
  }
  const rows = DOCS.split('\n').filter((line) => /^\| `[a-z_]+` \|/.test(line));
  assert.equal(rows.length, JOB_INI_KEYS.length, 'docs/job-ini.md has a row for a key the table does not know');
});

test('docs/job-ini.md has a row for every section, and no other', () => {
  for (const [name, section] of Object.entries(JOB_INI_SECTIONS)) {
    const row = `| \`[${name}]\` | ${section.doc} | \`${section.example}\` |`;
    assert.ok(
      DOCS.includes(`\n${row}\n`),
      `docs/job-ini.md lacks (or has an old) row for [${name}]; expected:\n${row}`,
    );
  }
  const rows = DOCS.split('\n').filter((line) => /^\| `\[[a-z]+\]` \|/.test(line));
  assert.equal(rows.length, Object.keys(JOB_INI_SECTIONS).length);
});

test("the docs' first example job.ini, and a job.ini of every key's example, load without a diagnostic", async () => {
  const example = /```ini\n([\s\S]*?)```/.exec(DOCS)?.[1] ?? '';
  const everyKey = JOB_INI_KEYS.filter(
    (k) => !['type', 'user', 'proto', 'restart_on_change', 'hup_on_change'].includes(k.key),
  )
    .map((k) => `${k.key} = ${k.example}`)
    .join('\n');
  const sections = Object.entries(JOB_INI_SECTIONS)
    .filter(([name]) => name !== 'job')
    .map(([name, s]) => `[${name}]\n${s.example}`)
    .join('\n');
  const { jobs, diagnostics } = await scanTree({
    'backup/job.ini': `command = true\n${example}`,
    'every/data/': '',
    'every/job.ini': `${everyKey}\nuser = nobody\n${sections}\n`,
    'report/job.ini': 'schedule = none\ncommand = true\n',
    'cleanup/job.ini': 'schedule = none\ncommand = true\n',
    'tor/job.ini': 'type = proc\ncommand = true\nrestart_on_change = tor.bin\nhup_on_change = tor.rc\n',
  });
  assert.deepEqual(diagnostics, []);
  assert.equal(jobs.length, 5);
});
