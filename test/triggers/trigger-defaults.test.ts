// Triggers as hoocron's users have them, and triggers that cannot connect: `redis-cli LPUSH hook JOB` exactly as
// hoocron's README types it (the default list `hook` on database 0, no LIST = in config.ini) runs the job; and with
// Redis and Mosquitto both unreachable from the start, scheduled jobs run on time while /health says reconnecting.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeIniJob } from '../http/http-harness.ts';
import { makeTempDir, removeTempDir } from '../support/cli-process.ts';
import { writeServiceFolder } from '../support/service-folder.ts';
import { freePort, redisCli, requireSystemRedis, SYSTEM_REDIS, uniqueName } from './trigger-servers.ts';
import {
  startService,
  triggerStates,
  waitForRecords,
  waitForRun,
  waitForState,
  type RunningService,
} from './trigger-service.ts';

describe("Redis and MQTT triggers: hoocron's defaults, and servers that are away", () => {
  let root: string;
  const running: RunningService[] = [];
  before(async () => {
    root = await makeTempDir();
  });
  after(async () => {
    await Promise.all(running.map((svc) => svc.process.kill()));
    if (root) await removeTempDir(root);
  });

  it("`redis-cli LPUSH hook JOB`, hoocron's exact command, runs a job with redis_trigger = true", async () => {
    await requireSystemRedis();
    const instance = uniqueName('hoocron-defaults');
    // No LIST and no database in the URL's path: hoocron's list `hook` on database 0.
    const folder = writeServiceFolder(
      join(root, 'hook'),
      ['[Control]', 'SOCKET =', '[Redis]', 'URL = redis://127.0.0.1:6379', `INSTANCE_ID = ${instance}`].join('\n'),
      ['LISTEN = 127.0.0.1:0'],
    );
    // A job name no other test uses, so a stray message on `hook` from elsewhere is never taken for this one.
    const job = uniqueName('hook-job');
    writeIniJob(folder.jobs, job, 'schedule = none\nredis_trigger = true', 'echo "pushed $*"');
    const svc = await startService(folder);
    running.push(svc);
    try {
      await waitForState(svc.port, 'redis', 'connected');
      // Exactly what hoocron's README types: the system's redis-cli, default host, port and database.
      const pushed = spawnSync('redis-cli', ['LPUSH', 'hook', job], { encoding: 'utf8' });
      assert.equal(pushed.status, 0, pushed.stderr);
      const record = await waitForRun(folder, job, []);
      assert.equal(record.output, 'pushed \n');
      assert.equal(record.reason_for_run, 'triggered by redis hook');
    } finally {
      redisCli(SYSTEM_REDIS.port, 'DEL', `hook:processing:${instance}`);
    }
  });

  it('with Redis and Mosquitto unreachable from the start, a scheduled job runs every second all the same', async () => {
    const [redisPort, mqttPort] = [await freePort(), await freePort()];
    const folder = writeServiceFolder(
      join(root, 'away'),
      [
        '[Control]',
        'SOCKET =',
        '[Redis]',
        `URL = redis://127.0.0.1:${redisPort}/0`,
        '[MQTT]',
        `URL = mqtt://127.0.0.1:${mqttPort}`,
      ].join('\n'),
      ['LISTEN = 127.0.0.1:0'],
    );
    writeIniJob(folder.jobs, 'beat', 'schedule = every 1s', 'echo beat');
    writeIniJob(folder.jobs, 'pushed', 'schedule = none\nredis_trigger = true\nmqtt_trigger = true', 'echo pushed');
    const started = Date.now();
    const svc = await startService(folder);
    running.push(svc);
    const records = await waitForRecords(folder, 'beat', 4, 15_000);
    // Four runs of an every-second job within a few seconds of the start: nothing waited for the servers.
    assert.ok(Date.parse(String(records[3]?.begun_at)) - started < 8_000, 'the fourth run started late');
    const states = await triggerStates(svc.port);
    assert.ok(['connecting', 'reconnecting'].includes(states.redis), `redis: ${states.redis}`);
    assert.ok(['connecting', 'reconnecting'].includes(states.mqtt), `mqtt: ${states.mqtt}`);
    assert.match(svc.process.stderr, /redis/i);
    assert.doesNotMatch(svc.process.stderr, /Unhandled|uncaught/i);
  });
});
