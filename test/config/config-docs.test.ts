// config.example.ini and docs/configuration.md are checked against the key table, so a new key can't go undocumented.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSettings } from '../../src/config/load-settings.ts';
import { SETTING_KEYS, type SettingKey } from '../../src/config/setting-keys.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = path.join(ROOT, 'config.example.ini');
const DOCS = fs.readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8');

/** The row of the "Every key" table in docs/configuration.md for one key. */
function renderRow(spec: SettingKey): string {
  const name = [spec.key, ...spec.aliases].map((n) => `\`${n}\``).join(' or ');
  const fallback = spec.default === undefined ? spec.defaultText : `\`${spec.default}\``;
  return `| [${spec.section}] | ${name} | ${fallback} | ${spec.doc} | \`${spec.key} = ${spec.example}\` |`;
}

test('config.example.ini loads with zero diagnostics, from any cwd', () => {
  const { settings, diagnostics } = loadSettings({ configPath: EXAMPLE, flags: {}, cwd: '/', hostTimezone: 'UTC' });
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(settings, {
    configFile: EXAMPLE,
    jobsFolder: path.join(ROOT, 'jobs.example'),
    logsFolder: path.join(ROOT, '.pycron-example/logs'),
    stateFile: path.join(ROOT, '.pycron-example/state.json'),
    sleepDurationMs: 1000,
    rescanEveryMs: 15 * 60_000,
    retryDelayMs: 15_000,
    shutdownGraceMs: 30_000,
    killGraceMs: 10_000,
    captureBytes: 1_048_576,
    statusLogRetentionDays: 30,
    logLevel: 'info',
    logFormat: 'text',
    timezone: 'UTC',
    controlSocket: path.join(ROOT, '.pycron-example/pycron.sock'),
    httpListen: { host: '127.0.0.1', port: 5152 },
    smtpHost: 'localhost',
    smtpSecure: 'auto',
    redisList: 'hook',
    mqttTopicPrefix: 'pycron/trigger/',
    mqttPublishRuns: false,
    mqttRunsTopicPrefix: 'pycron/runs/',
    clusterLeaseMs: 1500,
    clusterSchema: 'pycron',
    amqpExchange: 'pycron',
    amqpResultsQueue: 'pycron_results',
    ticksEnabled: false,
    ticksExchange: 'hacron',
    ticksCronTime: '* * * * *',
    jobDefaults: {},
  });
});

test('config.example.ini shows every key in its section, with its default in the comment above it', () => {
  const lines = fs.readFileSync(EXAMPLE, 'utf8').split('\n');
  for (const spec of SETTING_KEYS) {
    // Keys may share a name across sections ([Redis] URL, [MQTT] URL): look for each under its own section.
    const sectionOf = (at: number) =>
      lines
        .slice(0, at)
        .reverse()
        .find((line) => line.startsWith('['));
    const at = lines.findIndex(
      (line, index) => new RegExp(`^(# )?${spec.key} = `).test(line) && sectionOf(index) === `[${spec.section}]`,
    );
    assert.ok(at >= 0, `${spec.key} is missing from [${spec.section}] in config.example.ini`);
    let commentStart = at;
    while (commentStart > 0 && lines[commentStart - 1]?.startsWith('#')) commentStart--;
    const comment = lines.slice(commentStart, at).join('\n');
    assert.ok(
      comment.includes(`Default: ${spec.default ?? spec.defaultText}`),
      `${spec.key}: the comment gives no default`,
    );
    for (const alias of spec.aliases)
      assert.ok(comment.includes(alias), `${spec.key}: the comment does not name ${alias}`);
  }
});

test('docs/configuration.md has a table row for every key, rendered from the key table', () => {
  for (const spec of SETTING_KEYS) {
    const row = renderRow(spec);
    assert.ok(
      DOCS.includes(`\n${row}\n`),
      `docs/configuration.md lacks (or has an old) row for ${spec.key}; expected:\n${row}`,
    );
  }
  const rows = DOCS.split('\n').filter((line) => /^\| \[\w+\] \|/.test(line));
  assert.equal(rows.length, SETTING_KEYS.length, 'docs/configuration.md has a row for a key the table does not know');
});

test('every example in the key table is a valid value', () => {
  for (const spec of SETTING_KEYS) {
    assert.ok(spec.parse(spec.example, { baseDir: '/srv' }).ok, `${spec.key} = ${spec.example}`);
    if (spec.default !== undefined) assert.ok(spec.parse(spec.default, { baseDir: '/' }).ok, `${spec.key} default`);
  }
});
