// A database that goes away (its connections cut, new ones refused, as in a restart) pauses scheduling and loses
// nothing: the real service against the real PostgreSQL, through a proxy the test cuts for a few seconds.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from './cluster-database.ts';
import { writeClusterInstances, type ClusterInstance } from './cluster-instances.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cluster: the database goes away and comes back (real PostgreSQL)', () => {
  let schema: TestSchema;
  let root: string;
  let proxy: TcpProxy;
  let instance: ClusterInstance | undefined;
  before(async () => {
    schema = await createTestSchema('outage');
    root = mkdtempSync(join(tmpdir(), 'pycron-outage-'));
    const target = new URL(TEST_DATABASE_URL);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.open();
  });
  after(async () => {
    await instance?.crash();
    await proxy?.close();
    await schema?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('pauses scheduling while it is away, then claims every slot of the outage and goes on', async () => {
    [instance] = writeClusterInstances({
      root,
      schema: schema.name,
      instances: 1,
      jobs: [{ name: 'beat', schedule: 'every 1s', script: 'true' }],
    });
    const url = new URL(TEST_DATABASE_URL);
    url.port = String(proxy.port);
    const config = instance!.config;
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(`DATABASE_URL = ${TEST_DATABASE_URL}`, `DATABASE_URL = ${url}`),
    );
    await instance!.start();
    await sleep(2500);
    const cutAt = Date.now();
    await proxy.cut();
    await instance!.process!.waitForLog(/cluster: the database does not answer/, 10_000);
    await sleep(4000);
    const restoredAt = Date.now();
    await proxy.open();
    await instance!.process!.waitForLog(/cluster: the database answers again: scheduling goes on/, 15_000);
    await sleep(3000);
    assert.equal(await instance!.stop(), 0, 'the service never died and stops cleanly');

    const db = schema.open();
    const rows = await db.query<{ scheduled_at: string; status: string; claimed_at: string }>(
      `SELECT scheduled_at, status, claimed_at FROM firings WHERE job = 'beat' ORDER BY scheduled_at`,
    );
    const slots = new Map(rows.map((row) => [Number(row.scheduled_at), row]));
    const from = Math.ceil((cutAt - 1000) / 1000) * 1000;
    const to = Math.floor((restoredAt + 2000) / 1000) * 1000;
    const missing: string[] = [];
    for (let slot = from; slot <= to; slot += 1000) if (!slots.has(slot)) missing.push(new Date(slot).toISOString());
    assert.deepEqual(missing, [], `slots with no firing around the outage; firings: ${JSON.stringify(rows)}`);
    const late = rows.filter((row) => Number(row.scheduled_at) > cutAt + 500 && Number(row.scheduled_at) < restoredAt);
    assert.ok(late.length >= 2, 'slots of the outage were claimed');
    assert.ok(
      late.every((row) => Number(row.claimed_at) >= restoredAt - 200),
      'slots of the outage were claimed once the database was back',
    );
    assert.ok(
      rows.every((row) => row.status !== 'running'),
      'no firing left running',
    );
  });

  it('stops cleanly, and soon, while the database is away', async () => {
    const [alone] = writeClusterInstances({
      root: join(root, 'stop'),
      schema: schema.name,
      instances: 1,
      jobs: [{ name: 'tick', schedule: 'every 1s', script: 'true' }],
    });
    instance = alone;
    const url = new URL(TEST_DATABASE_URL);
    url.port = String(proxy.port);
    writeFileSync(
      alone!.config,
      readFileSync(alone!.config, 'utf8').replace(`DATABASE_URL = ${TEST_DATABASE_URL}`, `DATABASE_URL = ${url}`),
    );
    await alone!.start();
    await sleep(1500);
    await proxy.cut();
    await alone!.process!.waitForLog(/cluster: the database does not answer/, 10_000);
    const stopAt = Date.now();
    assert.equal(await alone!.stop(), 0, alone!.allLogs());
    assert.ok(Date.now() - stopAt < 20_000, `the stop took ${Date.now() - stopAt} ms`);
    await proxy.open();
  });
});
