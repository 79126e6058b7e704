// StoredJobsStore against the real PostgreSQL: a category replaced whole in one transaction, the revision counting
// each effective change, and the snapshot every instance loads. Each test has a schema of its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredJob } from '../../src/stored-jobs/stored-job.ts';
import { StoredJobsStore, type CategoryChange } from '../../src/stored-jobs/stored-jobs-store.ts';
import { createTestSchema, type TestSchema } from '../cluster/cluster-database.ts';

/** Runs `body` with a store on a freshly migrated schema of its own, dropped after. */
async function withStore(body: (store: StoredJobsStore, schema: TestSchema) => Promise<void>): Promise<void> {
  const schema = await createTestSchema('stored_jobs');
  try {
    await schema.migrate();
    await body(new StoredJobsStore(schema.open()), schema);
  } finally {
    await schema.drop();
  }
}

function job(category: string, name: string, overrides: Partial<StoredJob> = {}): StoredJob {
  return { category, name, schedule: '@hourly', command: `echo ${name}`, routingKey: null, options: {}, ...overrides };
}

/** The change without its category and revision. */
const lists = (change: CategoryChange): Omit<CategoryChange, 'category' | 'revision'> => ({
  added: change.added,
  updated: change.updated,
  removed: change.removed,
  unchanged: change.unchanged,
});

test('replaceCategory reports added, updated, removed and unchanged, sorted; the revision moves once per change', async () => {
  await withStore(async (store) => {
    assert.equal(await store.revision(), 0);
    const first = await store.replaceCategory('example', [
      job('example', 'zeta'),
      job('example', 'Test Job'),
      job('example', 'alpha'),
    ]);
    assert.deepEqual(first, {
      category: 'example',
      added: ['Test Job', 'alpha', 'zeta'],
      updated: [],
      removed: [],
      unchanged: [],
      revision: 1,
    });
    assert.equal(await store.revision(), 1);

    const second = await store.replaceCategory('example', [
      job('example', 'zeta', { command: 'echo changed' }),
      job('example', 'new'),
      job('example', 'Test Job'),
      job('example', 'beta'),
    ]);
    assert.deepEqual(second, {
      category: 'example',
      added: ['beta', 'new'],
      updated: ['zeta'],
      removed: ['alpha'],
      unchanged: ['Test Job'],
      revision: 2,
    });
    assert.equal(await store.revision(), 2);
    assert.deepEqual(
      (await store.category('example')).map((j) => [j.name, j.command]),
      [
        ['Test Job', 'echo Test Job'],
        ['beta', 'echo beta'],
        ['new', 'echo new'],
        ['zeta', 'echo changed'],
      ],
    );
  });
});

test('a PUT that changes nothing leaves the revision where it was', async () => {
  await withStore(async (store) => {
    const jobs = [job('example', 'a', { routingKey: 'slow', options: { timeout: '5m' } }), job('example', 'b')];
    await store.replaceCategory('example', jobs);
    const again = await store.replaceCategory('example', jobs);
    assert.deepEqual(lists(again), { added: [], updated: [], removed: [], unchanged: ['a', 'b'] });
    assert.equal(again.revision, 1);
    assert.equal(await store.revision(), 1);
    // Emptying a category that is empty (or unknown) changes nothing either.
    const none = await store.replaceCategory('nothing-here', []);
    assert.deepEqual(lists(none), { added: [], updated: [], removed: [], unchanged: [] });
    assert.equal(none.revision, 1);
    assert.equal(await store.revision(), 1);
  });
});

test('every field counts for "updated": schedule, command, routing key, options', async () => {
  await withStore(async (store) => {
    const base = job('example', 'a', { routingKey: 'slow', options: { timeout: '5m' } });
    await store.replaceCategory('example', [base]);
    const variants: Partial<StoredJob>[] = [
      { schedule: '@daily' },
      { command: 'echo other' },
      { routingKey: 'fast' },
      { routingKey: null },
      { options: { timeout: '6m' } },
      { options: { timeout: '5m', overlap: 'queue' } },
      { options: {} },
    ];
    let revision = 1;
    for (const variant of variants) {
      const changed = { ...base, ...variant };
      const change = await store.replaceCategory('example', [changed]);
      assert.deepEqual(change.updated, ['a'], JSON.stringify(variant));
      assert.equal(change.revision, ++revision, JSON.stringify(variant));
      assert.deepEqual(await store.category('example'), [changed], JSON.stringify(variant));
      // Back to the base, so each variant is compared with it.
      assert.deepEqual((await store.replaceCategory('example', [base])).updated, ['a']);
      revision++;
    }
    assert.equal(await store.revision(), revision);
  });
});

test('options are compared regardless of key order', async () => {
  await withStore(async (store) => {
    await store.replaceCategory('example', [
      job('example', 'a', { options: { timeout: '5m', overlap: 'queue', retry_delay: '30s' } }),
    ]);
    const reordered = await store.replaceCategory('example', [
      job('example', 'a', { options: { retry_delay: '30s', overlap: 'queue', timeout: '5m' } }),
    ]);
    assert.deepEqual(lists(reordered), { added: [], updated: [], removed: [], unchanged: ['a'] });
    assert.equal(reordered.revision, 1);
    assert.deepEqual((await store.category('example'))[0]?.options, {
      overlap: 'queue',
      retry_delay: '30s',
      timeout: '5m',
    });
  });
});

test('two categories are independent', async () => {
  await withStore(async (store) => {
    await store.replaceCategory('alpha', [job('alpha', 'x'), job('alpha', 'y')]);
    const beta = await store.replaceCategory('beta', [job('beta', 'x')]);
    assert.deepEqual(lists(beta), { added: ['x'], updated: [], removed: [], unchanged: [] });
    assert.equal(beta.revision, 2);
    // Replacing beta neither removes nor touches alpha's x and y.
    const beta2 = await store.replaceCategory('beta', [job('beta', 'z')]);
    assert.deepEqual(lists(beta2), { added: ['z'], updated: [], removed: ['x'], unchanged: [] });
    assert.deepEqual(
      (await store.category('alpha')).map((j) => j.name),
      ['x', 'y'],
    );
    assert.deepEqual(
      (await store.category('beta')).map((j) => j.name),
      ['z'],
    );
  });
});

test('[] empties a category, and it is gone from categories()', async () => {
  await withStore(async (store) => {
    await store.replaceCategory('example', [job('example', 'a'), job('example', 'b')]);
    await store.replaceCategory('other', [job('other', 'c')]);
    const emptied = await store.replaceCategory('example', []);
    assert.deepEqual(lists(emptied), { added: [], updated: [], removed: ['a', 'b'], unchanged: [] });
    assert.equal(emptied.revision, 3);
    assert.deepEqual(await store.category('example'), []);
    assert.deepEqual(
      (await store.categories()).map((c) => c.category),
      ['other'],
    );
  });
});

test('snapshot() returns every job ordered by category then name, at the current revision', async () => {
  await withStore(async (store) => {
    assert.deepEqual(await store.snapshot(), { revision: 0, jobs: [] });
    const zulu = [job('zulu', 'b'), job('zulu', 'a', { routingKey: 'slow', options: { timeout: '5m' } })];
    const alpha = [job('alpha', 'nightly'), job('alpha', 'Test Job', { schedule: 'R/2013-05-29T00:00:00/PT1M' })];
    await store.replaceCategory('zulu', zulu);
    await store.replaceCategory('alpha', alpha);
    const snapshot = await store.snapshot();
    assert.equal(snapshot.revision, 2);
    assert.deepEqual(snapshot.jobs, [alpha[1], alpha[0], zulu[1], zulu[0]]);
  });
});

test('categories() counts the jobs of each category, with when it last changed', async () => {
  await withStore(async (store) => {
    assert.deepEqual(await store.categories(), []);
    const before = Date.now();
    await store.replaceCategory('beta', [job('beta', 'x')]);
    await store.replaceCategory('alpha', [job('alpha', 'x'), job('alpha', 'y'), job('alpha', 'z')]);
    const after = Date.now();
    const summaries = await store.categories();
    assert.deepEqual(
      summaries.map((c) => [c.category, c.jobs]),
      [
        ['alpha', 3],
        ['beta', 1],
      ],
    );
    for (const summary of summaries) {
      assert.equal(typeof summary.updatedAt, 'number');
      // The database's clock and this one may differ a little: a generous margin, still far from 0 or NaN.
      assert.ok(summary.updatedAt > before - 60_000 && summary.updatedAt < after + 60_000, String(summary.updatedAt));
    }
  });
});

test('category() of an unknown category is []', async () => {
  await withStore(async (store) => {
    await store.replaceCategory('example', [job('example', 'a')]);
    assert.deepEqual(await store.category('unknown'), []);
    assert.equal((await store.category('example')).length, 1);
  });
});

test('two concurrent replaceCategory calls on the same category both commit, one after the other', async () => {
  await withStore(async (store, schema) => {
    const other = new StoredJobsStore(schema.open());
    const [one, two] = await Promise.all([
      store.replaceCategory('example', [job('example', 'a', { command: 'echo one' }), job('example', 'only-one')]),
      other.replaceCategory('example', [job('example', 'a', { command: 'echo two' })]),
    ]);
    assert.deepEqual(
      [one.revision, two.revision].sort(),
      [1, 2],
      'each saw its own revision: they ran one after the other',
    );
    const [first, last] = one.revision < two.revision ? [one, two] : [two, one];
    assert.deepEqual(first.updated, []);
    assert.ok(first.added.includes('a'));
    assert.deepEqual(last.updated, ['a'], 'the later one saw the earlier one committed');
    assert.deepEqual(last.added, last === one ? ['only-one'] : []);
    assert.deepEqual(last.removed, last === two ? ['only-one'] : []);
    assert.equal(await store.revision(), 2);
    const final = await store.category('example');
    assert.deepEqual(
      final.map((j) => j.command),
      last === one ? ['echo one', 'echo only-one'] : ['echo two'],
    );
  });
});

test('many concurrent PUTs of several categories each count once', async () => {
  await withStore(async (store, schema) => {
    const stores = [store, new StoredJobsStore(schema.open()), new StoredJobsStore(schema.open())];
    const changes = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        stores[i % 3]!.replaceCategory(`cat${i % 3}`, [job(`cat${i % 3}`, `job${i}`)]),
      ),
    );
    assert.deepEqual(
      changes.map((c) => c.revision).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.equal(await store.revision(), 9);
    assert.deepEqual(
      (await store.categories()).map((c) => [c.category, c.jobs]),
      [
        ['cat0', 1],
        ['cat1', 1],
        ['cat2', 1],
      ],
    );
  });
});
