// A read of the cluster's database for an HTTP answer: a database that cannot be reached is a 503 that says so;
// a refused statement stays what it is (logged as a bug by the server), and pycron's own errors pass as they are.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDatabaseUnreachable } from '../../src/cluster/is-database-unreachable.ts';
import { PycronError } from '../../src/errors.ts';
import { unlessDatabaseAway } from '../../src/http/unless-database-away.ts';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const shutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
const badSql = Object.assign(new Error('column "nope" does not exist'), { code: '42703' });

test('tells an unreachable database from a refused statement', () => {
  assert.equal(isDatabaseUnreachable(refused), true);
  assert.equal(isDatabaseUnreachable(shutdown), true);
  assert.equal(isDatabaseUnreachable(new Error('Connection terminated unexpectedly')), true);
  assert.equal(isDatabaseUnreachable(new Error('Query read timeout')), true);
  assert.equal(isDatabaseUnreachable(badSql), false);
  assert.equal(isDatabaseUnreachable('ECONNREFUSED'), false);
});

test('an unreachable database is HTTP_UNAVAILABLE naming what could not be read; other errors pass unchanged', async () => {
  await assert.rejects(
    unlessDatabaseAway('the categories', () => Promise.reject(refused)),
    (error: unknown) =>
      error instanceof PycronError &&
      error.code === 'HTTP_UNAVAILABLE' &&
      error.message ===
        "the categories: the cluster's database does not answer (connect ECONNREFUSED 127.0.0.1:5432); try again shortly",
  );
  await assert.rejects(
    unlessDatabaseAway('x', () => Promise.reject(badSql)),
    (error: unknown) => error === badSql,
  );
  const own = new PycronError('HTTP_NOT_FOUND', { reason: 'no such category' });
  await assert.rejects(
    unlessDatabaseAway('x', () => Promise.reject(own)),
    (error: unknown) => error === own,
  );
  assert.equal(await unlessDatabaseAway('x', () => Promise.resolve(42)), 42);
});
