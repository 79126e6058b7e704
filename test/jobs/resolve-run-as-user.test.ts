import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parsePasswdLine,
  resolveRunAsUser,
  systemUserLookup,
  type PasswdEntry,
  type UserLookup,
} from '../../src/jobs/resolve-run-as-user.ts';
import { scanTree } from './job-tree.ts';

const USERS: PasswdEntry[] = [
  { name: 'root', uid: 0, gid: 0 },
  { name: 'alice', uid: 1000, gid: 1000 },
  { name: 'www-data', uid: 33, gid: 33 },
];

function system(euid: number): UserLookup {
  return {
    euid: () => euid,
    find: (text) => USERS.find((u) => u.name === text || String(u.uid) === text),
  };
}

test('as root: any known user, by name or uid, with its primary group; root itself needs no switch', () => {
  assert.deepEqual(resolveRunAsUser('www-data', system(0)), {
    ok: true,
    value: { name: 'www-data', uid: 33, gid: 33 },
  });
  assert.deepEqual(resolveRunAsUser(' 1000 ', system(0)), { ok: true, value: { name: 'alice', uid: 1000, gid: 1000 } });
  assert.deepEqual(resolveRunAsUser('root', system(0)), { ok: true, value: undefined });
});

test('not root: another user is refused with the reason; pycron own user is accepted', () => {
  assert.deepEqual(resolveRunAsUser('www-data', system(1000)), {
    ok: false,
    expected: "pycron's own user (alice, uid 1000): only a pycron running as root can run jobs as another user",
  });
  assert.deepEqual(resolveRunAsUser('alice', system(1000)), { ok: true, value: undefined });
  assert.deepEqual(resolveRunAsUser('1000', system(1000)), { ok: true, value: undefined });
});

test('unknown users and names getent could take for options are refused', () => {
  const expected = 'a user name or numeric uid known to the system (getent passwd)';
  for (const text of ['bob', '-s', 'a:b', '', '4242'])
    assert.deepEqual(resolveRunAsUser(text, system(0)), { ok: false, expected }, text);
});

test('the real system: getent (or /etc/passwd) knows root and nobody', () => {
  assert.deepEqual(systemUserLookup.find('root'), { name: 'root', uid: 0, gid: 0 });
  assert.deepEqual(systemUserLookup.find('0'), { name: 'root', uid: 0, gid: 0 });
  assert.equal(systemUserLookup.find('no-such-user-here'), undefined);
  assert.deepEqual(parsePasswdLine('nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin'), {
    name: 'nobody',
    uid: 65534,
    gid: 65534,
  });
  assert.equal(parsePasswdLine('broken:x:abc:1'), undefined);
});

test('job.ini user = ... when pycron is not root: an error diagnostic, and the job is not loaded', async () => {
  const { jobs, diagnostics, J } = await scanTree(
    {
      'as-www/job.ini': 'schedule = @daily\ncommand = true\nuser = www-data\n',
      'as-me/job.ini': 'schedule = @daily\ncommand = true\nuser = alice\n',
    },
    { users: system(1000) },
  );
  assert.deepEqual(
    jobs.map((j) => [j.name, j.options.user]),
    [['as-me', undefined]],
  );
  assert.deepEqual(
    diagnostics.map((d) => [d.severity, d.path, d.message]),
    [
      [
        'error',
        `${J}/as-www/job.ini`,
        "line 3: user: expected pycron's own user (alice, uid 1000): only a pycron running as root can run jobs as another user, got 'www-data'",
      ],
    ],
  );
});
