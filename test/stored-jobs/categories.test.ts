// CronQ's category API on a real two-instance cluster (real PostgreSQL, real processes, real HTTP): a PUT on one
// instance reaches both, each slot runs once in the cluster, and a later PUT updates, adds and removes in one go.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHttpCluster, type HttpCluster } from '../cluster/http-cluster.ts';
import { checkSchema } from '../http/check-schema.ts';
import { readStatusRecords, runCli } from '../support/cli-process.ts';
import type { ClusterInstance } from '../cluster/cluster-instances.ts';

const TOKEN = 'category-test-token';
const document = JSON.parse(readFileSync(new URL('../../src/http/openapi.json', import.meta.url), 'utf8')) as unknown;

async function call(
  url: string,
  method: string,
  body?: unknown,
  token = TOKEN,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Polls an async probe until it gives a value; fails naming `what` after `timeoutMs`. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function executions(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('stored jobs: the category API on a two-instance cluster (real PostgreSQL)', () => {
  let cluster: HttpCluster;
  let instances: ClusterInstance[] = [];
  let urls: string[] = [];
  let root: string;
  before(async () => {
    cluster = await startHttpCluster({ prefix: 'categories', token: TOKEN });
    ({ instances, urls, root } = cluster);
  });
  after(async () => {
    await cluster?.close();
  });

  it("takes CronQ's own PUT, runs each slot once on one of the instances, then updates, adds and removes", async () => {
    const ran = join(root, 'ran.txt');
    const start = new Date(Date.now() - 60_000).toISOString().slice(0, 19);
    // CronQ's example, as its README sends it (ISO 8601 schedule, a shell command, a routing key left out).
    const first = await call(`${urls[0]}/api/category/example`, 'PUT', {
      category: 'example',
      jobs: [
        {
          name: 'Test Job',
          schedule: `R/${start}Z/PT1S`,
          command: `echo "$PYCRON_SCHEDULED_AT" >> ${ran}`,
        },
      ],
    });
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.deepEqual(first.json, {
      category: 'example',
      added: ['Test Job'],
      updated: [],
      removed: [],
      unchanged: [],
      revision: 1,
    });

    // The other instance has it within its poll (1 s), without a restart.
    const seen = await eventually(
      async () => {
        const got = await call(`${urls[1]}/api/v1/jobs/${encodeURIComponent('example/Test Job')}`, 'GET');
        return got.status === 200 ? got.json : undefined;
      },
      5_000,
      'node2 to load example/Test Job',
    );
    assert.equal(seen.name, 'example/Test Job');
    assert.equal(seen.layout, 'stored');

    await eventually(async () => (executions(ran).length >= 5 ? true : undefined), 15_000, 'five runs of Test Job');
    const slots = executions(ran);
    assert.equal(new Set(slots).size, slots.length, `a slot ran twice in the cluster: ${slots.join(', ')}`);

    // Both instances' own status logs together hold each run once, and name the job by CATEGORY/NAME.
    const records = instances.flatMap((instance) => readStatusRecords(join(instance.folder, 'logs')));
    assert.ok(records.length >= 1, 'no status record written');
    assert.ok(records.every((r) => r.job === 'example/Test Job' && r.status_code === 0));

    // The cluster view shows who ran each firing, as the OpenAPI document describes it.
    const view = await call(`${urls[1]}/api/v1/cluster?job=${encodeURIComponent('example/Test Job')}&limit=10`, 'GET');
    assert.deepEqual(checkSchema(view.json, { $ref: '#/components/schemas/ClusterView' }, document), []);
    assert.equal(view.json.instance_id, 'node2');
    const firings = view.json.firings as { job: string; instance_id: string }[];
    assert.ok(firings.length >= 3, `${firings.length} firings shown`);
    assert.ok(firings.every((f) => f.job === 'example/Test Job' && ['node1', 'node2'].includes(f.instance_id)));

    // A second PUT: the job changed (a new command), one added; GET shows them as stored.
    const ran2 = join(root, 'ran2.txt');
    const second = await call(`${urls[1]}/api/v1/categories/example`, 'PUT', {
      jobs: [
        { name: 'Test Job', schedule: `R/${start}Z/PT1S`, command: `echo "$PYCRON_SCHEDULED_AT" >> ${ran2}` },
        { name: 'nightly', schedule: '0 3 * * *', command: 'true', options: { timeout: '5m', overlap: 'queue' } },
      ],
    });
    assert.equal(second.status, 200, JSON.stringify(second.json));
    assert.deepEqual(
      { added: second.json.added, updated: second.json.updated, removed: second.json.removed },
      { added: ['nightly'], updated: ['Test Job'], removed: [] },
    );
    const listed = await call(`${urls[0]}/api/v1/categories/example`, 'GET');
    assert.deepEqual(
      (listed.json.jobs as { job: string }[]).map((job) => job.job),
      ['example/Test Job', 'example/nightly'],
    );
    await eventually(async () => (executions(ran2).length >= 2 ? true : undefined), 10_000, 'runs of the new command');

    // The CLI reaches a stored job by its CATEGORY/NAME through the running service (the control socket).
    const triggered = runCli(['trigger', 'example/nightly', '-c', instances[0]!.config]);
    assert.equal(triggered.code, 0, triggered.stderr);
    await eventually(
      async () =>
        readStatusRecords(join(instances[0]!.folder, 'logs')).some((r) => r.job === 'example/nightly')
          ? true
          : undefined,
      10_000,
      'the triggered run of example/nightly',
    );

    // A bad PUT changes nothing and says what is wrong, job by job.
    const bad = await call(`${urls[0]}/api/v1/categories/example`, 'PUT', {
      jobs: [
        { name: 'Test Job', schedule: 'every 3 fortnights', command: 'true' },
        { name: 'x', schedule: '@daily', command: 'true', options: { timout: '5m' } },
      ],
    });
    assert.equal(bad.status, 400);
    const error = bad.json.error as { code: string; message: string };
    assert.equal(error.code, 'CATEGORY_INVALID');
    assert.match(error.message, /^category 'example' was not changed: jobs\[0\] 'Test Job': schedule: /);
    assert.match(error.message, /jobs\[1\] 'x': options\.timout: unknown job\.ini key \(did you mean 'timeout'\?/);
    const unchanged = await call(`${urls[0]}/api/v1/categories/example`, 'GET');
    assert.equal((unchanged.json.jobs as unknown[]).length, 2);

    // No token: refused before anything is read.
    const anonymous = await call(`${urls[0]}/api/v1/categories/example`, 'DELETE', undefined, '');
    assert.equal(anonymous.status, 401);

    // DELETE removes the whole category; both instances drop the jobs and the runs stop.
    const removed = await call(`${urls[0]}/api/v1/categories/example`, 'DELETE');
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.json.removed, ['Test Job', 'nightly']);
    await eventually(
      async () => {
        const got = await call(`${urls[1]}/api/v1/jobs/${encodeURIComponent('example/Test Job')}`, 'GET');
        return got.status === 404 ? true : undefined;
      },
      5_000,
      'node2 to drop example/Test Job',
    );
    const count = executions(ran2).length;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.ok(executions(ran2).length <= count + 1, 'runs went on after the category was removed');
    assert.deepEqual(await Promise.all(instances.map((instance) => instance.stop())), [0, 0]);
  });
});
