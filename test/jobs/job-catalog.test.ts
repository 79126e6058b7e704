import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic } from '../../src/diagnostic.ts';
import { JobCatalog } from '../../src/jobs/job-catalog.ts';
import { defaultJobOptions } from '../../src/jobs/job-options.ts';
import type { JobSpec } from '../../src/jobs/job-spec.ts';

const ROOT = '/srv/jobs';

function job(name: string, fingerprint = 'f1'): JobSpec {
  const folder = `${ROOT}/${name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : name}`;
  return {
    name,
    layout: name.includes('/') ? 'pycron' : 'folder',
    folder,
    file: `${ROOT}/${name}`,
    command: { kind: 'exec', path: `${ROOT}/${name}` },
    schedules: [],
    scheduleArgs: [],
    timezone: 'UTC',
    timeoutMs: undefined,
    enabled: true,
    options: defaultJobOptions(folder, name),
    fingerprint,
  };
}

function problem(relative: string, message: string): Diagnostic {
  return { severity: 'error', code: 'JOB_INVALID', path: `${ROOT}/${relative}`, message };
}

const names = (jobs: JobSpec[]): string[] => jobs.map((j) => j.name);

test('replaceAll reports added, changed (new fingerprint) and removed jobs', () => {
  const catalog = new JobCatalog(ROOT);
  const first = catalog.replaceAll({ jobs: [job('a'), job('b'), job('5min/x.sh')], diagnostics: [] });
  assert.deepEqual(names(first.added), ['a', 'b', '5min/x.sh']);
  assert.deepEqual([first.changed, first.removed], [[], []]);

  const second = catalog.replaceAll({ jobs: [job('a'), job('b', 'f2'), job('c')], diagnostics: [] });
  assert.deepEqual(names(second.added), ['c']);
  assert.deepEqual(names(second.changed), ['b']);
  assert.equal(second.changed[0]?.fingerprint, 'f2');
  assert.deepEqual(names(second.removed), ['5min/x.sh']);
  assert.deepEqual(names(catalog.jobs), ['a', 'b', 'c']);
  assert.equal(catalog.get('b')?.fingerprint, 'f2');
  assert.equal(catalog.get('5min/x.sh'), undefined);
});

test('an unchanged rescan reports nothing', () => {
  const catalog = new JobCatalog(ROOT);
  catalog.replaceAll({ jobs: [job('a'), job('5min/x.sh')], diagnostics: [] });
  assert.deepEqual(catalog.replaceAll({ jobs: [job('a'), job('5min/x.sh')], diagnostics: [] }), {
    added: [],
    changed: [],
    removed: [],
  });
});

test('a renamed job folder is a removal plus an addition', () => {
  const catalog = new JobCatalog(ROOT);
  catalog.replaceAll({ jobs: [job('old'), job('other')], diagnostics: [] });
  const gone = catalog.replaceEntry('old', { jobs: [], diagnostics: [] });
  const come = catalog.replaceEntry('new', { jobs: [job('new')], diagnostics: [] });
  assert.deepEqual([names(gone.removed), names(gone.added)], [['old'], []]);
  assert.deepEqual([names(come.added), names(come.removed)], [['new'], []]);
  assert.deepEqual(names(catalog.jobs), ['new', 'other']);
});

test('replaceEntry touches only that entry, PyCron folders included', () => {
  const catalog = new JobCatalog(ROOT);
  catalog.replaceAll({
    jobs: [job('5min/a.sh'), job('5min/at0030/b.sh'), job('5min-ish'), job('1hour/c.sh')],
    diagnostics: [],
  });
  const change = catalog.replaceEntry('5min', { jobs: [job('5min/a.sh', 'f2'), job('5min/d.sh')], diagnostics: [] });
  assert.deepEqual(names(change.added), ['5min/d.sh']);
  assert.deepEqual(names(change.changed), ['5min/a.sh']);
  assert.deepEqual(names(change.removed), ['5min/at0030/b.sh']);
  assert.deepEqual(names(catalog.jobs), ['1hour/c.sh', '5min-ish', '5min/a.sh', '5min/d.sh']);
});

test('diagnostics are kept per entry and replaced with it', () => {
  const catalog = new JobCatalog(ROOT);
  const rootProblem: Diagnostic = { severity: 'error', code: 'IO_FAILED', path: ROOT, message: 'x' };
  catalog.replaceAll({ jobs: [], diagnostics: [problem('a', 'bad a'), problem('b/schedule', 'bad b'), rootProblem] });
  assert.deepEqual(
    catalog.diagnostics.map((d) => d.message),
    ['x', 'bad a', 'bad b'],
  );

  catalog.replaceEntry('b', { jobs: [job('b')], diagnostics: [] });
  assert.deepEqual(
    catalog.diagnostics.map((d) => d.message),
    ['x', 'bad a'],
  );
  catalog.replaceEntry('a', { jobs: [], diagnostics: [problem('a/job.ini', 'still bad a')] });
  assert.deepEqual(
    catalog.diagnostics.map((d) => d.message),
    ['x', 'still bad a'],
  );
  catalog.replaceAll({ jobs: [], diagnostics: [] });
  assert.deepEqual(catalog.diagnostics, []);
});

test('an entry that cannot be read (EIO, EMFILE) keeps its jobs; a folder that is gone loses them', () => {
  const catalog = new JobCatalog(ROOT);
  catalog.replaceAll({ jobs: [job('a'), job('b')], diagnostics: [] });
  const unreadable: Diagnostic = {
    severity: 'error',
    code: 'IO_FAILED',
    path: `${ROOT}/a`,
    message: 'cannot be read (EIO)',
  };
  const change = catalog.replaceAll({ jobs: [job('b')], diagnostics: [unreadable] });
  assert.deepEqual(change, { added: [], changed: [], removed: [] });
  assert.deepEqual(names(catalog.jobs), ['a', 'b']);
  assert.deepEqual(names(catalog.replaceEntry('a', { jobs: [], diagnostics: [unreadable] }).removed), []);
  assert.deepEqual(names(catalog.replaceEntry('a', { jobs: [], diagnostics: [] }).removed), ['a']);
});
