// Trigger cycles are found by the catalog after every change: the jobs in one are held back (reported as removed)
// until the cycle is broken; a trigger naming a job that does not exist is only a warning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTriggers } from '../../src/jobs/check-triggers.ts';
import { JobCatalog } from '../../src/jobs/job-catalog.ts';
import { defaultJobOptions } from '../../src/jobs/job-options.ts';
import type { JobSpec } from '../../src/jobs/job-spec.ts';

const ROOT = '/srv/jobs';

function job(name: string, triggers: string[] = [], fingerprint = 'f1'): JobSpec {
  const folder = `${ROOT}/${name}`;
  return {
    name,
    layout: 'folder',
    folder,
    file: `${folder}/run.sh`,
    command: { kind: 'exec', path: `${folder}/run.sh` },
    schedules: [],
    scheduleArgs: [],
    timezone: 'UTC',
    timeoutMs: undefined,
    enabled: true,
    options: { ...defaultJobOptions(folder, name), triggers: triggers.map((t) => ({ job: t, args: [] })) },
    fingerprint,
  };
}

const names = (jobs: JobSpec[]): string[] => jobs.map((j) => j.name);
const summary = (c: { added: JobSpec[]; changed: JobSpec[]; removed: JobSpec[] }): string[][] => [
  names(c.added).sort(),
  names(c.changed).sort(),
  names(c.removed).sort(),
];

function cycleError(name: string, cycle: string): { severity: string; code: string; path: string; message: string } {
  return {
    severity: 'error',
    code: 'JOB_INVALID',
    path: `${ROOT}/${name}/job.ini`,
    message: `trigger cycle: ${cycle} (the jobs would start each other forever; none of them is loaded)`,
  };
}

test('a → b → a and c → c are held back with an error each; the rest load', () => {
  const catalog = new JobCatalog(ROOT);
  const change = catalog.replaceAll({
    jobs: [job('a', ['b']), job('b', ['a']), job('c', ['c']), job('d', ['a']), job('e')],
    diagnostics: [],
  });
  assert.deepEqual(summary(change), [['d', 'e'], [], []]);
  assert.deepEqual(names(catalog.jobs), ['d', 'e']);
  assert.equal(catalog.count, 2, 'count leaves the held-back jobs out too');
  assert.equal(catalog.get('a'), undefined);
  assert.deepEqual(catalog.diagnostics, [
    cycleError('a', 'a → b → a'),
    cycleError('b', 'b → a → b'),
    cycleError('c', 'c → c'),
  ]);
});

test('the shortest cycle through each job is named', () => {
  const jobs = new Map(
    [job('a', ['b']), job('b', ['c', 'a']), job('c', ['a']), job('x', ['a'])].map((j) => [j.name, j]),
  );
  const check = checkTriggers(jobs, jobs.keys());
  assert.deepEqual([...check.inCycle].sort(), ['a', 'b', 'c']);
  assert.deepEqual(
    check.diagnostics.map((d) => d.message.replace(/ \(.*/, '')),
    ['trigger cycle: a → b → a', 'trigger cycle: b → a → b', 'trigger cycle: c → a → b → c'],
  );
});

test('breaking the cycle brings the jobs back as added; making one removes them', () => {
  const catalog = new JobCatalog(ROOT);
  catalog.replaceAll({ jobs: [job('a', ['b']), job('b'), job('c')], diagnostics: [] });
  assert.deepEqual(names(catalog.jobs), ['a', 'b', 'c']);

  // b now triggers a: a (untouched by this scan) and b both leave.
  const made = catalog.replaceEntry('b', { jobs: [job('b', ['a'], 'f2')], diagnostics: [] });
  assert.deepEqual(summary(made), [[], [], ['a', 'b']]);
  assert.equal(made.removed.find((j) => j.name === 'b')?.fingerprint, 'f1', 'the spec callers had');
  assert.deepEqual(names(catalog.jobs), ['c']);
  assert.equal(catalog.count, 1);

  // An edit inside the cycle reports nothing.
  assert.deepEqual(summary(catalog.replaceEntry('a', { jobs: [job('a', ['b'], 'f3')], diagnostics: [] })), [
    [],
    [],
    [],
  ]);

  // b stops triggering a: both come back, each with its current spec.
  const broken = catalog.replaceEntry('b', { jobs: [job('b', [], 'f4')], diagnostics: [] });
  assert.deepEqual(summary(broken), [['a', 'b'], [], []]);
  assert.deepEqual(broken.added.map((j) => [j.name, j.fingerprint]).sort(), [
    ['a', 'f3'],
    ['b', 'f4'],
  ]);
  assert.deepEqual(names(catalog.jobs), ['a', 'b', 'c']);
  assert.deepEqual(catalog.diagnostics, []);

  // Removing a job of a cycle frees the other one.
  catalog.replaceEntry('b', { jobs: [job('b', ['a'], 'f5')], diagnostics: [] });
  const gone = catalog.replaceEntry('a', { jobs: [], diagnostics: [] });
  assert.deepEqual(summary(gone), [['b'], [], []]);
  assert.deepEqual(names(catalog.jobs), ['b', 'c']);
});

test('a trigger naming a job that does not exist is a warning, gone once the job exists', () => {
  const catalog = new JobCatalog(ROOT);
  catalog.replaceAll({ jobs: [job('a', ['later', '5min/x.sh'])], diagnostics: [] });
  assert.deepEqual(names(catalog.jobs), ['a']);
  assert.deepEqual(
    catalog.diagnostics.map((d) => [d.severity, d.path, d.message]),
    [
      ['warning', `${ROOT}/a/job.ini`, "trigger: no job named 'later' (nothing is started until one exists)"],
      ['warning', `${ROOT}/a/job.ini`, "trigger: no job named '5min/x.sh' (nothing is started until one exists)"],
    ],
  );
  catalog.replaceEntry('later', { jobs: [job('later')], diagnostics: [] });
  assert.deepEqual(
    catalog.diagnostics.map((d) => d.message),
    ["trigger: no job named '5min/x.sh' (nothing is started until one exists)"],
  );
});

test('a long chain is no cycle, and its check does not overflow the stack', () => {
  const chain = Array.from({ length: 20_000 }, (_, i) => job(`j${i}`, i < 19_999 ? [`j${i + 1}`] : []));
  const catalog = new JobCatalog(ROOT);
  assert.equal(catalog.replaceAll({ jobs: chain, diagnostics: [] }).added.length, 20_000);
  const closed = catalog.replaceEntry('j19999', { jobs: [job('j19999', ['j0'], 'f2')], diagnostics: [] });
  assert.equal(closed.removed.length, 20_000);
  assert.equal(catalog.jobs.length, 0);
  assert.equal(
    catalog.diagnostics.find((d) => d.path === `${ROOT}/j5/job.ini`)?.message,
    'trigger cycle: j5 → j6 → j7 → j8 → … → j2 → j3 → j4 → j5 (20000 jobs) (the jobs would start each other forever; none of them is loaded)',
  );
});
