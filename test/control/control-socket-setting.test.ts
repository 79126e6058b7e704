// [Control] SOCKET: its default follows the state file, relative paths follow the config file, empty turns it off,
// and the Unix length limit is checked before anything tries to bind.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSettings, type SettingsFlags } from '../../src/config/load-settings.ts';
import { MAX_SOCKET_PATH_BYTES } from '../../src/control/socket-path.ts';

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'pycron-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

function load(name: string, text: string, flags: SettingsFlags = {}) {
  const folder = join(root, name);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'config.ini');
  writeFileSync(file, text);
  return { file, folder, ...loadSettings({ configPath: file, flags, cwd: root, hostTimezone: 'UTC' }) };
}

describe('[Control] SOCKET', () => {
  it('defaults to pycron.sock beside the state file', () => {
    const { folder, settings, diagnostics } = load('default', '[Folders]\nPERSISTENCE_FILE = var/state.json\n');
    assert.deepEqual(diagnostics, []);
    assert.equal(settings.controlSocket, join(folder, 'var', 'pycron.sock'));
  });

  it('follows the state file when -p moves it', () => {
    const { settings } = load('flag', '[Folders]\nPERSISTENCE_FILE = state.json\n', {
      persistenceFile: 'elsewhere/s.json',
    });
    assert.equal(settings.controlSocket, join(root, 'elsewhere', 'pycron.sock'));
  });

  it("resolves a relative path against the config file's folder; an absolute one stays", () => {
    assert.equal(
      load('relative', '[Control]\nSOCKET = run/ctl.sock\n').settings.controlSocket,
      join(root, 'relative/run/ctl.sock'),
    );
    assert.equal(load('absolute', '[control]\nsocket = /run/pycron.sock\n').settings.controlSocket, '/run/pycron.sock');
  });

  it('an empty value turns the socket off', () => {
    const { settings, diagnostics } = load('off', '[Control]\nSOCKET =\n');
    assert.deepEqual(diagnostics, []);
    assert.equal(settings.controlSocket, null);
  });

  it('a path too long for a Unix socket is an error naming file, line, key, expected and found', () => {
    const long = `/${'s'.repeat(MAX_SOCKET_PATH_BYTES)}`;
    const { file, diagnostics } = load('long', `[Control]\nSOCKET = ${long}\n`);
    assert.deepEqual(diagnostics, [
      {
        severity: 'error',
        code: 'CONFIG_BAD_VALUE',
        path: file,
        message: `${file}:2 [Control] SOCKET: expected a socket path of at most ${MAX_SOCKET_PATH_BYTES} bytes once made absolute (a Unix limit), or nothing to turn the socket off, got '${long}'`,
      },
    ]);
  });

  it('a default too long turns the socket off with a warning, and does not stop the service', () => {
    const deep = `/${'d'.repeat(MAX_SOCKET_PATH_BYTES)}/state.json`;
    const { file, settings, diagnostics } = load('deep', `[Folders]\nPERSISTENCE_FILE = ${deep}\n`);
    const socket = `/${'d'.repeat(MAX_SOCKET_PATH_BYTES)}/pycron.sock`;
    assert.equal(settings.controlSocket, null);
    assert.deepEqual(diagnostics, [
      {
        severity: 'warning',
        code: 'CONFIG_BAD_VALUE',
        path: file,
        message: `${file} [Control] SOCKET: the control socket path ${socket} is ${Buffer.byteLength(socket)} bytes; Unix socket paths hold at most ${MAX_SOCKET_PATH_BYTES}, so the control socket is off (pycron trigger cannot reach this service); set [Control] SOCKET to a shorter path`,
      },
    ]);
  });
});
