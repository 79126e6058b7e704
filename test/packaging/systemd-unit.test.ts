// packaging/systemd/pycron.service: what it promises (sandbox, stop, reload) and that systemd accepts it.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SYSTEM_CONFIG_FILE } from '../../src/config/load-settings.ts';
import { SETTING_KEYS } from '../../src/config/setting-keys.ts';
import { makeTempDir, PYCRON_BIN, removeTempDir } from '../support/cli-process.ts';
import { readUnitFile } from './read-unit-file.ts';
import { verifyUnit } from './verify-unit.ts';

const UNIT_FILE = fileURLToPath(new URL('../../packaging/systemd/pycron.service', import.meta.url));
const UNIT_TEXT = readFileSync(UNIT_FILE, 'utf8');
const unit = readUnitFile(UNIT_TEXT);
/** The service's own exit watchdog after SIGTERM (src/commands/service-command.ts). */
const EXIT_WATCHDOG_SECONDS = 30;

let dir: string;
before(async () => (dir = await makeTempDir()));
after(() => removeTempDir(dir));

function defaultOf(key: string): string {
  const value = SETTING_KEYS.find((k) => k.key === key)?.default;
  assert.ok(value, key);
  return value;
}

test('runs the service on the system config and reloads with SIGHUP', () => {
  assert.deepEqual(unit.Service?.ExecStart, [`pycron -c ${SYSTEM_CONFIG_FILE}`]);
  assert.deepEqual(unit.Service?.ExecReload, ['/bin/kill -HUP $MAINPID']);
  assert.deepEqual(unit.Unit?.Wants, ['network-online.target']);
  assert.deepEqual(unit.Unit?.After, ['network-online.target']);
  assert.deepEqual(unit.Service?.Restart, ['on-failure']);
  assert.deepEqual(unit.Service?.RestartPreventExitStatus, ['2'], 'a bad config is not restarted in a loop');
  assert.deepEqual(unit.Install?.WantedBy, ['multi-user.target']);
});

test("stops through the service's own SIGTERM handling, with time for its graces", () => {
  assert.deepEqual(unit.Service?.KillMode, ['mixed']);
  const timeout = Number(unit.Service?.TimeoutStopSec?.[0]);
  const graces = Number(defaultOf('SHUTDOWN_GRACE_SECONDS')) + Number(defaultOf('KILL_GRACE_SECONDS'));
  assert.ok(
    timeout > graces + EXIT_WATCHDOG_SECONDS,
    `TimeoutStopSec=${timeout} must exceed ${graces + EXIT_WATCHDOG_SECONDS}`,
  );
});

test('a sandbox whose only writable place holds every default path pycron writes', () => {
  const service = unit.Service ?? {};
  assert.deepEqual(service.NoNewPrivileges, ['yes']);
  assert.deepEqual(service.ProtectSystem, ['strict']);
  assert.deepEqual(service.PrivateTmp, ['yes']);
  assert.deepEqual(service.ProtectHome, ['read-only']);
  assert.deepEqual(service.ReadWritePaths, ['/etc/pycron']);
  assert.deepEqual(service.ConfigurationDirectory, ['pycron']);
  for (const written of [
    defaultOf('JOBS_FOLDER'),
    defaultOf('LOGS_FOLDER'),
    defaultOf('PERSISTENCE_FILE'),
    SYSTEM_CONFIG_FILE,
  ])
    assert.ok(written.startsWith('/etc/pycron/'), `${written} is outside ReadWritePaths`);
});

test('systemd-analyze verify accepts it, with no warning (ExecStart pointed at this checkout)', () => {
  const copy = path.join(dir, 'ok', 'pycron.service');
  mkdirSync(path.dirname(copy));
  writeFileSync(copy, UNIT_TEXT.replace(/^ExecStart=pycron /m, `ExecStart=${PYCRON_BIN} `));
  assert.deepEqual(verifyUnit(copy), { status: 0, output: '' });
});

test('the check can fail: a misspelt value is reported', () => {
  const copy = path.join(dir, 'bad', 'pycron.service');
  mkdirSync(path.dirname(copy));
  writeFileSync(
    copy,
    UNIT_TEXT.replace(/^ExecStart=pycron /m, `ExecStart=${PYCRON_BIN} `).replace('KillMode=mixed', 'KillMode=mixd'),
  );
  const result = verifyUnit(copy);
  assert.match(result.output, /pycron\.service:\d+: Failed to parse kill mode specification, ignoring: mixd/);
});
