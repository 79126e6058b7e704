// Redis triggers end to end: the real CLI service against the machine's Redis (and a private redis-server for the
// restart), driven by hoocron's own producer command, `redis-cli LPUSH LIST JOB`. Each test has its own list.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { checkSchema } from '../http/check-schema.ts';
import { call, writeIniJob } from '../http/http-harness.ts';
import { makeTempDir, readStatusRecords, removeTempDir, waitFor } from '../support/cli-process.ts';
import { writeServiceFolder, type ServiceFolder } from '../support/service-folder.ts';
import {
  freePort,
  PrivateServer,
  redisCli,
  redisCliBytes,
  requireSystemRedis,
  SYSTEM_REDIS,
  uniqueName,
} from './trigger-servers.ts';
import { startService, triggerStates, waitForRun, waitForState, type RunningService } from './trigger-service.ts';

const PORT = SYSTEM_REDIS.port;
const OPENAPI: unknown = JSON.parse(readFileSync(new URL('../../src/http/openapi.json', import.meta.url), 'utf8'));

/** A service folder whose [Redis] takes from `list`; `backup` takes Redis triggers, `quiet` does not. */
function redisFolder(root: string, list: string, redis: string[] = []): ServiceFolder {
  const folder = writeServiceFolder(
    root,
    ['[Control]', 'SOCKET =', '[Redis]', `URL = redis://127.0.0.1:${PORT}/0`, `LIST = ${list}`, ...redis].join('\n'),
    ['LISTEN = 127.0.0.1:0'],
  );
  writeIniJob(folder.jobs, 'backup', 'schedule = none\nredis_trigger = true', 'echo "backup $*"');
  writeIniJob(folder.jobs, 'quiet', 'schedule = none', 'echo quiet');
  return folder;
}

/** Whether the connection named `name` waits in a BLMOVE that has at least 2 of its 5 seconds left. */
function isBlocked(name: string): boolean {
  return redisCli(PORT, 'CLIENT', 'LIST')
    .split('\n')
    .some((line) => line.includes(` name=${name} `) && /\bflags=\S*b/.test(line) && /\bidle=[0-2]\b/.test(line));
}

/** SIGSTOP while the service's BLMOVE waits in Redis, so Redis can still hand it a message it will never see. */
async function freezeWhileBlocked(svc: RunningService, name: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    await waitFor(() => (isBlocked(name) ? true : undefined), 6000, `${name} to wait in BLMOVE`);
    svc.process.signal('SIGSTOP');
    if (isBlocked(name)) return;
    svc.process.signal('SIGCONT'); // its BLMOVE ended just then: wait for the next one
  }
  throw new Error(`${name} never stayed blocked in BLMOVE`);
}

describe('Redis triggers (real service, real Redis)', () => {
  let root: string;
  const lists: string[] = [];
  /** A fresh list name, deleted with its processing and dead-letter lists after the tests. */
  const newList = () => {
    const list = uniqueName('pycron-test-hook');
    lists.push(list);
    return list;
  };

  before(async () => {
    await requireSystemRedis();
    root = await makeTempDir();
  });

  after(async () => {
    for (const list of lists) {
      const keys = redisCli(PORT, '--raw', 'KEYS', `${list}*`).split('\n').filter(Boolean);
      if (keys.length > 0) redisCli(PORT, 'DEL', ...keys);
    }
    if (root) await removeTempDir(root);
  });

  describe('one service', () => {
    const list = newList();
    let folder: ServiceFolder;
    let svc: RunningService;

    before(async () => {
      await requireSystemRedis();
      folder = redisFolder(join(root, 'one'), list, ['INSTANCE_ID = gateway-7']);
      // Exactly the state a crash between BLMOVE and running leaves behind.
      redisCli(PORT, 'LPUSH', `${list}:processing:gateway-7`, JSON.stringify({ job: 'backup', args: ['left'] }));
      svc = await startService(folder);
      await waitForState(svc.port, 'redis', 'connected');
    });

    after(async () => {
      await svc?.process.kill();
    });

    it('a message left in its processing list (a crash between taking and running) runs at start', async () => {
      await waitForRun(folder, 'backup', ['left']);
      assert.match(svc.process.stderr, new RegExp(`handling a message left in ${list}:processing:gateway-7`));
      await waitFor(
        () => (redisCli(PORT, 'LLEN', `${list}:processing:gateway-7`) === '0' ? true : undefined),
        5000,
        'an empty processing list',
      );
    });

    it("hoocron's `redis-cli LPUSH LIST JOB` runs the job; JSON args reach it; /health says connected", async () => {
      assert.deepEqual(await triggerStates(svc.port), { redis: 'connected', mqtt: 'off' });
      const health = (await call(svc.port, 'GET', '/health')).json();
      assert.deepEqual(checkSchema(health, { $ref: '#/components/schemas/Health' }, OPENAPI), []);
      redisCli(PORT, 'LPUSH', list, 'backup');
      const plain = await waitForRun(folder, 'backup', []);
      assert.equal(plain.output, 'backup \n');
      assert.equal(plain.reason_for_run, `triggered by redis ${list}`);
      assert.match(svc.process.stderr, new RegExp(`Redis trigger of backup from ${list}: started`));

      redisCli(PORT, 'LPUSH', list, JSON.stringify({ job: 'backup', args: ['--full', 'a b'] }));
      const withArgs = await waitForRun(folder, 'backup', ['--full', 'a b']);
      assert.equal(withArgs.output, 'backup --full a b\n');
      assert.equal(redisCli(PORT, 'LLEN', list), '0');
      assert.equal(redisCli(PORT, 'LLEN', `${list}:processing:gateway-7`), '0');
    });

    it('an unknown name, a job without redis_trigger and malformed JSON land in the dead-letter list, logged', async () => {
      redisCli(PORT, 'LPUSH', list, 'nosuchjob', '{"job": "quiet"}', '{"job":');
      // Not UTF-8: it must leave the processing list with exactly the bytes it has.
      redisCliBytes(PORT, Buffer.from([0xff, 0xfe]), 'LPUSH', list);
      redisCli(PORT, 'LPUSH', list, '{"job": "backup", "args": ["last"]}');
      // Oldest first: once the last one has run, the three before it have been handled.
      await waitForRun(folder, 'backup', ['last']);
      await waitFor(() => (redisCli(PORT, 'LLEN', `${list}:dead`) === '4' ? true : undefined), 5000, 'dead letters');
      assert.deepEqual(
        redisCliBytes(PORT, Buffer.from(`${list}:dead`), '--raw', 'LPOP'),
        Buffer.from([0xff, 0xfe, 0x0a]),
      );
      assert.deepEqual(redisCli(PORT, '--raw', 'LRANGE', `${list}:dead`, '0', '-1').split('\n'), [
        '{"job":',
        '{"job": "quiet"}',
        'nosuchjob',
      ]);
      assert.match(svc.process.stderr, new RegExp(`moved to ${list}:dead: no job named 'nosuchjob'`));
      assert.match(
        svc.process.stderr,
        new RegExp(`moved to ${list}:dead: job 'quiet' does not take Redis triggers \\(set redis_trigger = true`),
      );
      assert.match(svc.process.stderr, new RegExp(`moved to ${list}:dead: the message is not JSON`));
      assert.equal(readStatusRecords(folder.logs).filter((r) => r.job === 'quiet').length, 0);
      assert.equal(redisCli(PORT, 'LLEN', `${list}:processing:gateway-7`), '0');
    });
  });

  it('a service killed with kill -9 right after taking a message runs that trigger after its restart', async () => {
    const list = newList();
    const instance = uniqueName('k9');
    const folder = redisFolder(join(root, 'kill9'), list, [`INSTANCE_ID = ${instance}`]);
    const first = await startService(folder);
    try {
      await waitForState(first.port, 'redis', 'connected');
      // Frozen while its BLMOVE waits: Redis still moves the message into the processing list (that is the taking),
      // but the service never sees the reply. Then it dies.
      await freezeWhileBlocked(first, `pycron:${instance}`);
      redisCli(PORT, 'LPUSH', list, JSON.stringify({ job: 'backup', args: ['taken'] }));
      await waitFor(
        () => (redisCli(PORT, 'LLEN', `${list}:processing:${instance}`) === '1' ? true : undefined),
        3000,
        'the message to be taken by the frozen service',
      );
      assert.equal(redisCli(PORT, 'LLEN', list), '0');
      first.process.signal('SIGKILL');
      await first.process.exit();
    } finally {
      await first.process.kill();
    }
    assert.equal(readStatusRecords(folder.logs).length, 0);
    const second = await startService(folder);
    try {
      await waitForRun(folder, 'backup', ['taken']);
      await waitFor(
        () => (redisCli(PORT, 'LLEN', `${list}:processing:${instance}`) === '0' ? true : undefined),
        5000,
        'LREM',
      );
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(readStatusRecords(folder.logs).length, 1, 'the trigger ran more than once');
    } finally {
      await second.process.kill();
    }
  });

  it('two services on one list run each of 20 triggers exactly once', async () => {
    const list = newList();
    const folders = ['a', 'b'].map((name) => {
      const folder = redisFolder(join(root, `pair-${name}`), list);
      writeIniJob(
        folder.jobs,
        'count',
        'schedule = none\nredis_trigger = true\noverlap = queue\nqueue_max = 100',
        'echo "$1"',
      );
      return folder;
    });
    const services = await Promise.all(folders.map((folder) => startService(folder)));
    try {
      await Promise.all(services.map((svc) => waitForState(svc.port, 'redis', 'connected')));
      const messages = Array.from({ length: 20 }, (_, i) => JSON.stringify({ job: 'count', args: [String(i)] }));
      redisCli(PORT, 'LPUSH', list, ...messages);
      const runs = () => folders.flatMap((folder) => readStatusRecords(folder.logs).filter((r) => r.job === 'count'));
      await waitFor(() => (runs().length >= 20 ? true : undefined), 15_000, '20 runs across both services');
      await new Promise((r) => setTimeout(r, 500));
      const args = runs()
        .map((r) => Number((r.args as string[])[0]))
        .sort((x, y) => x - y);
      assert.deepEqual(
        args,
        Array.from({ length: 20 }, (_, i) => i),
      );
      assert.equal(redisCli(PORT, 'KEYS', `${list}:processing:*`), '');
    } finally {
      await Promise.all(services.map((svc) => svc.process.kill()));
    }
  });

  it('logs in with PASSWORD_FILE and survives a Redis restart: /health says reconnecting, then connected', async () => {
    const password = uniqueName('secret');
    const server = PrivateServer.redis(await freePort(), password);
    const cli = (...args: string[]) => redisCli(server.port, '-a', password, '--no-auth-warning', ...args);
    await server.start();
    const list = newList();
    const folder = writeServiceFolder(
      join(root, 'restart'),
      [
        '[Control]',
        'SOCKET =',
        '[Redis]',
        `URL = redis://127.0.0.1:${server.port}/0`,
        `LIST = ${list}`,
        'PASSWORD_FILE = redis-password',
      ].join('\n'),
      ['LISTEN = 127.0.0.1:0'],
    );
    writeFileSync(join(folder.root, 'redis-password'), `${password}\n`, { mode: 0o600 });
    writeIniJob(folder.jobs, 'backup', 'schedule = none\nredis_trigger = true', 'echo "backup $*"');
    const svc = await startService(folder);
    try {
      await waitForState(svc.port, 'redis', 'connected');
      cli('LPUSH', list, 'backup');
      await waitForRun(folder, 'backup', []);
      await server.kill();
      await waitForState(svc.port, 'redis', 'reconnecting');
      await new Promise((r) => setTimeout(r, 1000));
      await server.start();
      await waitForState(svc.port, 'redis', 'connected', 15_000);
      cli('LPUSH', list, JSON.stringify({ job: 'backup', args: ['after'] }));
      await waitForRun(folder, 'backup', ['after']);
      assert.match(
        svc.process.stderr,
        new RegExp(`WARN  Redis triggers: no connection to redis://127\\.0\\.0\\.1:${server.port}/0 \\(`),
      );
      assert.ok(!svc.process.stderr.includes(password), 'the password reached the service log');
      svc.process.signal('SIGTERM');
      assert.equal(await svc.process.exit(), 0);
      assert.match(svc.process.stderr, /pycron stopped/);
    } finally {
      await svc.process.kill();
      await server.kill();
    }
  });
});
