// The cluster endpoints' HTTP rules, on a real in-process service and server: outside cluster mode they answer 503
// and say why; PUT and DELETE need the token before anything else; the category in the path is checked; a body
// over 64 KiB is fine up to 1 MiB; the answers fit the OpenAPI document. Stored jobs here are an in-memory twin.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { HttpStoredJobs } from '../../src/http/http-ports.ts';
import type { StoredJob } from '../../src/stored-jobs/stored-job.ts';
import type { CategoryChange } from '../../src/stored-jobs/stored-jobs-store.ts';
import { checkSchema } from './check-schema.ts';
import { call, startHarness, TOKEN, type Harness } from './http-harness.ts';

const document = JSON.parse(readFileSync(new URL('../../src/http/openapi.json', import.meta.url), 'utf8')) as unknown;
const schema = (name: string): unknown => ({ $ref: `#/components/schemas/${name}` });

/** Stored jobs kept in a Map: what the HTTP layer needs, without a database. */
function memoryStoredJobs(): HttpStoredJobs & { calls: string[] } {
  const categories = new Map<string, StoredJob[]>();
  let revision = 0;
  const calls: string[] = [];
  return {
    calls,
    async replaceCategory(category, jobs): Promise<CategoryChange> {
      calls.push(`replace ${category} ${jobs.length}`);
      const before = new Set((categories.get(category) ?? []).map((job) => job.name));
      const after = jobs.map((job) => job.name);
      if (jobs.length > 0) categories.set(category, [...jobs]);
      else categories.delete(category);
      revision += 1;
      return {
        category,
        added: after.filter((name) => !before.has(name)),
        updated: after.filter((name) => before.has(name)),
        removed: [...before].filter((name) => !after.includes(name)),
        unchanged: [],
        revision,
      };
    },
    async category(category) {
      return categories.get(category) ?? [];
    },
    async categories() {
      return [...categories].map(([category, jobs]) => ({ category, jobs: jobs.length, updatedAt: 0 }));
    },
  };
}

describe('cluster endpoints outside cluster mode', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness(() => {});
  });
  after(async () => {
    await harness?.close();
  });

  it('answers 503 naming [Cluster] DATABASE_URL, and /health says cluster: null', async () => {
    for (const path of ['/api/v1/cluster', '/api/v1/categories', '/api/v1/categories/example', '/api/category/x']) {
      const answer = await call(harness.port, 'GET', path);
      assert.equal(answer.status, 503, path);
      assert.equal(answer.json().error.code, 'HTTP_UNAVAILABLE');
      assert.match(answer.json().error.message, /needs cluster mode: set \[Cluster\] DATABASE_URL in config\.ini/);
    }
    const health = await call(harness.port, 'GET', '/health');
    assert.equal(health.json().cluster, null);
  });

  it('wants the token for PUT and DELETE before it says anything else', async () => {
    const put = await call(harness.port, 'PUT', '/api/v1/categories/example', { body: '{"jobs":[]}' });
    assert.equal(put.status, 401);
    const remove = await call(harness.port, 'DELETE', '/api/category/example', { token: 'wrong' });
    assert.equal(remove.status, 401);
    const withToken = await call(harness.port, 'PUT', '/api/v1/categories/example', { token: TOKEN, body: '{}' });
    assert.equal(withToken.status, 503);
  });
});

describe('cluster endpoints with stored jobs', () => {
  let harness: Harness;
  let port: number;
  const stored = memoryStoredJobs();
  before(async () => {
    harness = await startHarness(() => {});
    port = await harness.extraServer({ storedJobs: stored });
  });
  after(async () => {
    await harness?.close();
  });

  it('refuses a category name that could be a folder job, a route or a path', async () => {
    for (const name of ['5min', 'api', '..', '%2e%2e', 'a%2Fb', '-x', 'x'.repeat(65)]) {
      const answer = await call(port, 'PUT', `/api/v1/categories/${name}`, { token: TOKEN, body: '{"jobs":[]}' });
      assert.equal(answer.status, 400, name);
      assert.equal(answer.json().error.code, 'BAD_REQUEST', name);
      assert.match(answer.json().error.message, /^expected a category of 1 to 64 letters/);
    }
    assert.deepEqual(stored.calls, []);
  });

  it('takes a PUT in CronQ form, lists and answers as the OpenAPI document says', async () => {
    const body = JSON.stringify({
      category: 'example',
      jobs: [{ name: 'Test Job', schedule: 'R/2013-05-29T00:00:00/PT1M', command: 'sleep 10', routing_key: 'slow' }],
    });
    const put = await call(port, 'PUT', '/api/category/example', { token: TOKEN, body });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(checkSchema(put.json(), schema('CategoryChange'), document), []);
    assert.deepEqual(put.json().added, ['Test Job']);

    const one = await call(port, 'GET', '/api/v1/categories/example');
    assert.deepEqual(checkSchema(one.json(), schema('Category'), document), []);
    assert.deepEqual(one.json().jobs[0], {
      name: 'Test Job',
      job: 'example/Test Job',
      schedule: 'R/2013-05-29T00:00:00/PT1M',
      command: 'sleep 10',
      routing_key: 'slow',
      options: {},
    });
    const all = await call(port, 'GET', '/api/v1/categories');
    assert.deepEqual(checkSchema(all.json(), schema('CategoryList'), document), []);
    assert.equal((await call(port, 'GET', '/api/v1/categories/other')).status, 404);
  });

  it('takes a category body up to 1 MiB, refuses a bigger one with 413, and refuses bad bodies with 400', async () => {
    const jobs = Array.from({ length: 400 }, (_, i) => ({
      name: `job-${i}`,
      schedule: '@daily',
      command: `echo ${'x'.repeat(300)}`,
    }));
    const big = await call(port, 'PUT', '/api/v1/categories/big', { token: TOKEN, body: JSON.stringify({ jobs }) });
    assert.equal(big.status, 200, big.text);
    const huge = Buffer.alloc(1024 * 1024 + 1, 'x');
    const tooBig = await call(port, 'PUT', '/api/v1/categories/big', { token: TOKEN, body: huge });
    assert.equal(tooBig.status, 413);
    const notJson = await call(port, 'PUT', '/api/v1/categories/big', { token: TOKEN, body: '{jobs' });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json().error.code, 'BAD_REQUEST');
    const wrongCategory = await call(port, 'PUT', '/api/v1/categories/big', {
      token: TOKEN,
      body: '{"category":"other","jobs":[]}',
    });
    assert.equal(wrongCategory.json().error.code, 'CATEGORY_INVALID');
    assert.equal(
      wrongCategory.json().error.message,
      `category 'big' was not changed: category: "other" is not the category in the path ('big')`,
    );
  });

  it('DELETE empties the category; other methods get 405', async () => {
    const removed = await call(port, 'DELETE', '/api/v1/categories/example', { token: TOKEN });
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.json().removed, ['Test Job']);
    const post = await call(port, 'POST', '/api/v1/categories/example', { token: TOKEN });
    assert.equal(post.status, 405);
    assert.equal(post.json().error.message, '/api/v1/categories/example takes GET, PUT or DELETE, not POST');
    assert.equal((await call(port, 'PUT', '/api/v1/cluster', { token: TOKEN })).status, 405);
  });
});
