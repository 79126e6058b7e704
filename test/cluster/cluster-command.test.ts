// `pycron cluster`: the instances and who ran what, read from the real cluster database by the real CLI.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, waitFor } from '../support/cli-process.ts';
import { StoredJobsStore } from '../../src/stored-jobs/stored-jobs-store.ts';
import { createTestSchema, type TestSchema } from './cluster-database.ts';
import { writeClusterInstances, type ClusterInstance } from './cluster-instances.ts';

describe('pycron cluster (real PostgreSQL)', () => {
  let schema: TestSchema;
  let root: string;
  let instances: ClusterInstance[] = [];
  before(async () => {
    schema = await createTestSchema('cli');
    root = mkdtempSync(join(tmpdir(), 'pycron-cluster-cli-'));
  });
  after(async () => {
    await Promise.all(instances.map((instance) => instance.crash()));
    await schema?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('shows both instances, and each firing once with the instance that ran it', async () => {
    instances = writeClusterInstances({
      root,
      schema: schema.name,
      instances: 2,
      jobs: [{ name: 'beat', schedule: 'every 1s', script: 'true' }],
    });
    await Promise.all(instances.map((instance) => instance.start()));
    await new StoredJobsStore(schema.open()).replaceCategory('reports', [
      {
        category: 'reports',
        name: 'Daily Sales',
        schedule: '0 6 * * *',
        command: 'true',
        routingKey: null,
        options: {},
      },
    ]);
    const config = instances[0]!.config;
    const shown = await waitFor(
      () => {
        const out = runCli(['cluster', '--json', '-n', '5', '-c', config]);
        assert.equal(out.code, 0, out.stderr);
        const view = JSON.parse(out.stdout) as {
          instances: { instanceId: string; state: string }[];
          firings: { job: string; scheduledAt: number; instanceId: string; status: string }[];
        };
        return view.firings.filter((f) => f.status === 'succeeded').length >= 3 ? view : undefined;
      },
      20_000,
      'three finished firings of beat',
    );
    assert.deepEqual(
      shown.instances
        .filter((i) => i.state === 'alive')
        .map((i) => i.instanceId)
        .sort(),
      ['node1', 'node2'],
    );
    const slots = shown.firings.map((f) => f.scheduledAt);
    assert.equal(new Set(slots).size, slots.length, 'a slot listed twice');
    assert.ok(shown.firings.every((f) => f.job === 'beat' && ['node1', 'node2'].includes(f.instanceId)));

    const text = runCli(['cluster', '--job', 'beat', '-c', config], { env: { NO_COLOR: '1' } });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Instances \(cli_[0-9a-f]+\):\n {2}ID +HOST +PID +STATE +HEARD +SKEW +RUNNING\n/);
    assert.match(text.stdout, /\n {2}node1 +\S+ +\d+ +alive /);
    assert.match(
      text.stdout,
      /\nStored jobs \(PUT \/api\/v1\/categories\/NAME\):\n {2}CATEGORY +JOBS +CHANGED\n {2}reports +1 +/,
    );
    assert.match(text.stdout, /Latest firings of beat:\n {2}SLOT +JOB +INSTANCE +STATUS +NOTE\n {2}\d{4}-\d\d-\d\dT/);
    assert.deepEqual(await Promise.all(instances.map((instance) => instance.stop())), [0, 0]);
  });

  it('says what is missing when config.ini has no [Cluster]', () => {
    const out = runCli(['cluster', '-c', '/dev/null']);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /\[Cluster\] DATABASE_URL/);
  });
});
