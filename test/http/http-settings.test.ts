// [HTTP] settings: LISTEN, TOKEN, TOKEN_FILE, read from config.ini and checked; and the bearer-token check.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadSettings } from '../../src/config/load-settings.ts';
import { checkBearer } from '../../src/http/check-bearer.ts';
import { parseHttpListen, parseHttpToken } from '../../src/http/parse-http-listen.ts';
import { readHttpToken } from '../../src/http/read-http-token.ts';

const root = mkdtempSync(join(tmpdir(), 'pycron-http-'));
after(() => rmSync(root, { recursive: true, force: true }));

function load(name: string, text: string) {
  const file = join(root, `${name}.ini`);
  writeFileSync(file, text);
  return loadSettings({ configPath: file, flags: {}, cwd: root, hostTimezone: 'UTC' });
}

describe('[HTTP] LISTEN', () => {
  it('reads host and port, IPv6 in brackets, a port alone on loopback, and off', () => {
    assert.deepEqual(parseHttpListen('127.0.0.1:5152'), { ok: true, value: { host: '127.0.0.1', port: 5152 } });
    assert.deepEqual(parseHttpListen('[::1]:5152'), { ok: true, value: { host: '::1', port: 5152 } });
    assert.deepEqual(parseHttpListen('0.0.0.0:80'), { ok: true, value: { host: '0.0.0.0', port: 80 } });
    assert.deepEqual(parseHttpListen('localhost:8080'), { ok: true, value: { host: 'localhost', port: 8080 } });
    assert.deepEqual(parseHttpListen(' 9000 '), { ok: true, value: { host: '127.0.0.1', port: 9000 } });
    assert.deepEqual(parseHttpListen('off'), { ok: true, value: null });
    assert.deepEqual(parseHttpListen('OFF'), { ok: true, value: null });
    assert.deepEqual(parseHttpListen(''), { ok: true, value: null });
  });

  it('refuses a port out of range, an IPv6 address without brackets, junk', () => {
    for (const raw of [
      '127.0.0.1:65536',
      '::1:5152',
      '[::1]',
      '[1.2.3.4]:80',
      'host:',
      ':80x',
      'a b:80',
      'http://x:80',
    ])
      assert.equal(parseHttpListen(raw).ok, false, raw);
  });

  it('defaults to 127.0.0.1:5152 with no token, and reads the section from config.ini', () => {
    const plain = load('plain', '[Timings]\nSLEEP_DURATION = 1\n');
    assert.deepEqual(plain.settings.httpListen, { host: '127.0.0.1', port: 5152 });
    assert.equal(plain.settings.httpToken, undefined);
    const set = load('set', '[HTTP]\nLISTEN = [::1]:8080\nTOKEN = abcdefghijklmnop\nTOKEN_FILE = secret/token\n');
    assert.deepEqual(set.diagnostics, []);
    assert.deepEqual(set.settings.httpListen, { host: '::1', port: 8080 });
    assert.equal(set.settings.httpToken, 'abcdefghijklmnop');
    assert.equal(set.settings.httpTokenFile, join(root, 'secret/token'));
    assert.equal(load('off', '[HTTP]\nLISTEN = off\n').settings.httpListen, null);
  });

  it('reports a short token and a bad LISTEN as config errors with file, section and key', () => {
    const { diagnostics } = load('bad', '[HTTP]\nLISTEN = 99999\nTOKEN = short\n');
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.message.replace(`${root}/`, '')]),
      [
        [
          'error',
          'CONFIG_BAD_VALUE',
          "bad.ini:2 [HTTP] LISTEN: expected HOST:PORT (127.0.0.1:5152, [::1]:5152), a port alone (5152, on 127.0.0.1), or off, got '99999'",
        ],
        [
          'error',
          'CONFIG_BAD_VALUE',
          "bad.ini:3 [HTTP] TOKEN: expected a token of at least 16 printable ASCII characters without spaces (for example from: openssl rand -hex 24), got 'short'",
        ],
      ],
    );
  });
});

describe('the HTTP token', () => {
  it('is TOKEN, or the content of TOKEN_FILE read at start, at least 16 characters', () => {
    assert.equal(readHttpToken({ configFile: undefined, httpToken: 'abcdefghijklmnop' }), 'abcdefghijklmnop');
    assert.equal(readHttpToken({ configFile: undefined }), undefined);
    const file = join(root, 'token');
    writeFileSync(file, '0123456789abcdef0123\n');
    assert.equal(readHttpToken({ configFile: undefined, httpTokenFile: file }), '0123456789abcdef0123');
    writeFileSync(file, 'tooshort\n');
    assert.throws(() => readHttpToken({ configFile: 'c.ini', httpTokenFile: file }), {
      code: 'CONFIG_BAD_VALUE',
      message: `c.ini [HTTP] TOKEN_FILE: the token file ${file} does not hold a token of at least 16 printable ASCII characters without spaces (for example from: openssl rand -hex 24)`,
    });
    assert.throws(() => readHttpToken({ configFile: 'c.ini', httpTokenFile: join(root, 'missing') }), {
      code: 'CONFIG_BAD_VALUE',
      message: /the token file .*missing cannot be read: ENOENT/,
    });
    assert.throws(() => readHttpToken({ configFile: 'c.ini', httpToken: 'abcdefghijklmnop', httpTokenFile: file }), {
      message: 'c.ini [HTTP] TOKEN_FILE: give TOKEN or TOKEN_FILE, not both',
    });
    assert.equal(parseHttpToken('has a space in it!!').ok, false);
  });

  it('is checked as Authorization: Bearer TOKEN', () => {
    const token = 'abcdefghijklmnop';
    assert.equal(checkBearer(`Bearer ${token}`, token), 'ok');
    assert.equal(checkBearer(`bearer  ${token}`, token), 'ok');
    assert.equal(checkBearer(`Bearer ${token}x`, token), 'wrong');
    assert.equal(checkBearer('Bearer abc', token), 'wrong');
    assert.equal(checkBearer(`Basic ${token}`, token), 'missing');
    assert.equal(checkBearer('Bearer', token), 'missing');
    assert.equal(checkBearer(undefined, token), 'missing');
  });
});
