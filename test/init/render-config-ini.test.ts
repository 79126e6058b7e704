import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSettings } from '../../src/config/load-settings.ts';
import { SETTING_KEYS } from '../../src/config/setting-keys.ts';
import { PycronError } from '../../src/errors.ts';
import { renderConfigIni } from '../../src/init/render-config-ini.ts';

function load(prefix: string) {
  const text = renderConfigIni(prefix, '9.9.9');
  const file = `${prefix}/config.ini`;
  return loadSettings({
    configPath: file,
    flags: {},
    cwd: '/',
    hostTimezone: 'UTC',
    exists: (f) => f === file,
    readText: () => text,
  });
}

test('loads with zero diagnostics: the folders under the prefix, every other setting at its default', () => {
  const { settings, diagnostics } = load('/etc/pycron');
  const defaults = loadSettings({ flags: {}, cwd: '/', hostTimezone: 'UTC', exists: () => false });
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(settings, {
    ...defaults.settings,
    configFile: '/etc/pycron/config.ini',
    jobsFolder: '/etc/pycron/jobs',
    logsFolder: '/etc/pycron/logs',
    stateFile: '/etc/pycron/persistence.json',
  });
});

test('every key is there: the folder keys set, the others commented out at their default, each with its doc', () => {
  const lines = renderConfigIni('/srv/pycron', '9.9.9').split('\n');
  assert.match(
    lines[0]!,
    /^# pycron configuration, written by `pycron init --prefix \/srv\/pycron` \(pycron 9\.9\.9\)\./,
  );
  for (const spec of SETTING_KEYS) {
    // Key names repeat across sections (URL in [Redis] and [MQTT]): look for each inside its own section.
    const sectionAt = lines.indexOf(`[${spec.section}]`);
    assert.ok(sectionAt > 0, `[${spec.section}] is missing`);
    const nextSection = lines.findIndex((line, i) => i > sectionAt && line.startsWith('['));
    const body = lines.slice(sectionAt, nextSection < 0 ? undefined : nextSection);
    const inBody = body.findIndex((line) => line.startsWith(`${spec.key} = `) || line.startsWith(`# ${spec.key} = `));
    assert.ok(inBody > 0, `${spec.key} is missing from [${spec.section}]`);
    const at = sectionAt + inBody;
    let start = at;
    while (lines[start - 1]?.startsWith('# ') && !/^# [A-Z_]+ = /.test(lines[start - 1]!)) start--;
    const comment = lines
      .slice(start, at)
      .map((line) => line.slice(2))
      .join(' ');
    assert.ok(comment.includes(spec.doc.split(' ').slice(0, 4).join(' ')), `${spec.key}: its doc is not above it`);
    assert.ok(comment.includes(`Default: ${spec.default ?? spec.defaultText}`), `${spec.key}: no default above it`);
  }
  assert.ok(
    lines.every((line) => line.length <= 110 || !line.startsWith('# ')),
    'comments wrap at 110',
  );
  assert.ok(lines.includes('JOBS_FOLDER = /srv/pycron/jobs'));
  assert.ok(lines.includes('# SLEEP_DURATION = 1'));
  assert.ok(lines.includes('# TIMEZONE = Europe/Berlin'), 'a key with no written default shows its example');
  assert.ok(lines.includes('# TOKEN_FILE = /srv/pycron/http-token'), 'example paths move under the prefix');
});

test("a prefix holding '#' or ';' is quoted, and read back whole", () => {
  const { settings, diagnostics } = load('/srv/py#cron;x');
  assert.deepEqual(diagnostics, []);
  assert.equal(settings.jobsFolder, '/srv/py#cron;x/jobs');
  assert.ok(renderConfigIni('/srv/py#cron;x', '1').includes("\nJOBS_FOLDER = '/srv/py#cron;x/jobs'\n"));
});

test('a prefix that cannot be written into config.ini is refused', () => {
  assert.throws(
    () => renderConfigIni("/srv/it's#here", '1'),
    (error) =>
      error instanceof PycronError &&
      error.code === 'USAGE' &&
      error.message ===
        "--prefix: /srv/it's#here/jobs holds both a quote and '#', ';' or edge spaces; choose another folder",
  );
});
