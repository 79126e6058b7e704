// Stored jobs in the JobCatalog: they come and go with replaceStored alone; folder scans never drop or report them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic } from '../../src/diagnostic.ts';
import { JobCatalog, type CatalogChange } from '../../src/jobs/job-catalog.ts';
import { defaultJobOptions } from '../../src/jobs/job-options.ts';
import type { JobSpec } from '../../src/jobs/job-spec.ts';
import type { ScanResult } from '../../src/jobs/scan-jobs-folder.ts';
import { readStoredJob } from '../../src/stored-jobs/read-stored-job.ts';
import type { StoredJob } from '../../src/stored-jobs/stored-job.ts';
import { makeJob } from '../support/make-job.ts';

/** makeJob's folders are /jobs/NAME. */
const ROOT = '/jobs';

function storedSpec(category: string, name: string, overrides: Partial<StoredJob> = {}): JobSpec {
  const job: StoredJob = {
    category,
    name,
    schedule: '@hourly',
    command: `echo ${name}`,
    routingKey: null,
    options: {},
    ...overrides,
  };
  const result = readStoredJob(job, ROOT, { timezone: 'UTC' });
  assert.deepEqual(result.diagnostics, []);
  return result.jobs[0]!;
}

/** What readStoredJob gives for a stored job it refuses. */
function storedProblems(category: string, name: string, options: Record<string, string>): Diagnostic[] {
  const result = readStoredJob(
    { category, name, schedule: '@hourly', command: 'true', routingKey: null, options },
    ROOT,
    { timezone: 'UTC' },
  );
  assert.equal(result.jobs.length, 0);
  assert.ok(result.diagnostics.length > 0);
  return result.diagnostics;
}

const stored = (...jobs: JobSpec[]): ScanResult => ({ jobs, diagnostics: [] });
const scan = (jobs: JobSpec[], diagnostics: Diagnostic[] = []): ScanResult => ({ jobs, diagnostics });
const names = (jobs: readonly JobSpec[]): string[] => jobs.map((j) => j.name);
const summary = (change: CatalogChange): Record<keyof CatalogChange, string[]> => ({
  added: names(change.added),
  changed: names(change.changed),
  removed: names(change.removed),
});
const NOTHING = { added: [], changed: [], removed: [] };

test('replaceStored adds, changes and removes stored jobs, and reports each', () => {
  const catalog = new JobCatalog(ROOT);
  assert.deepEqual(summary(catalog.replaceStored(stored(storedSpec('example', 'a'), storedSpec('example', 'b')))), {
    added: ['example/a', 'example/b'],
    changed: [],
    removed: [],
  });
  assert.deepEqual(names(catalog.jobs), ['example/a', 'example/b']);

  const newA = storedSpec('example', 'a', { command: 'echo new' });
  const second = catalog.replaceStored(stored(newA, storedSpec('other', 'c')));
  assert.deepEqual(summary(second), { added: ['other/c'], changed: ['example/a'], removed: ['example/b'] });
  assert.equal(second.changed[0], newA);
  assert.deepEqual(names(catalog.jobs), ['example/a', 'other/c']);
  assert.deepEqual(catalog.get('example/a')?.command, { kind: 'shell', script: 'echo new' });
  assert.equal(catalog.get('example/b'), undefined);
  assert.equal(catalog.count, 2);
});

test('replaceStored with the same jobs reports nothing; with none, removes them all', () => {
  const catalog = new JobCatalog(ROOT);
  catalog.replaceStored(stored(storedSpec('example', 'a'), storedSpec('example', 'b')));
  assert.deepEqual(
    summary(catalog.replaceStored(stored(storedSpec('example', 'a'), storedSpec('example', 'b')))),
    NOTHING,
  );
  assert.deepEqual(summary(catalog.replaceStored(stored())), {
    added: [],
    changed: [],
    removed: ['example/a', 'example/b'],
  });
  assert.deepEqual(catalog.jobs, []);
});

test('a later replaceAll (a folder scan) never drops nor reports the stored jobs', () => {
  const catalog = new JobCatalog(ROOT);
  catalog.replaceAll(scan([makeJob('backup', '@daily')]));
  catalog.replaceStored(stored(storedSpec('example', 'a')));

  assert.deepEqual(summary(catalog.replaceAll(scan([makeJob('backup', '@daily'), makeJob('report', '@hourly')]))), {
    added: ['report'],
    changed: [],
    removed: [],
  });
  assert.deepEqual(names(catalog.jobs), ['backup', 'example/a', 'report']);

  // An empty jobs folder: the folder jobs go, the stored one stays and is not reported.
  assert.deepEqual(summary(catalog.replaceAll(scan([]))), { added: [], changed: [], removed: ['backup', 'report'] });
  assert.deepEqual(names(catalog.jobs), ['example/a']);
  // A jobs folder deleted outright (unreadable and gone): the same.
  catalog.replaceAll(scan([], [{ severity: 'error', code: 'IO_FAILED', path: ROOT, message: 'gone' }]));
  assert.deepEqual(names(catalog.jobs), ['example/a']);
});

test('replaceEntry of any entry never drops nor reports the stored jobs', () => {
  const catalog = new JobCatalog(ROOT);
  catalog.replaceStored(stored(storedSpec('example', 'a')));
  assert.deepEqual(summary(catalog.replaceEntry('example', scan([]))), NOTHING);
  assert.deepEqual(summary(catalog.replaceEntry('other', scan([makeJob('other', '@daily')]))), {
    added: ['other'],
    changed: [],
    removed: [],
  });
  assert.deepEqual(names(catalog.jobs), ['example/a', 'other']);
});

test('replaceStored never touches folder jobs', () => {
  const catalog = new JobCatalog(ROOT);
  catalog.replaceAll(scan([makeJob('backup', '@daily'), makeJob('5min/x.sh', 'every 5m', { layout: 'pycron' })]));
  assert.deepEqual(summary(catalog.replaceStored(stored(storedSpec('example', 'a')))), {
    added: ['example/a'],
    changed: [],
    removed: [],
  });
  assert.deepEqual(summary(catalog.replaceStored(stored())), { added: [], changed: [], removed: ['example/a'] });
  assert.deepEqual(names(catalog.jobs), ['5min/x.sh', 'backup']);
  // A folder job handed to replaceStored is not taken as a stored job.
  assert.deepEqual(summary(catalog.replaceStored(stored(makeJob('intruder', '@daily')))), NOTHING);
  assert.equal(catalog.get('intruder'), undefined);
});

test('a category named like a folder job: replaceEntry of the folder leaves the stored jobs alone', () => {
  const catalog = new JobCatalog(ROOT);
  catalog.replaceAll(scan([makeJob('backup', '@daily')]));
  catalog.replaceStored(stored(storedSpec('backup', 'x')));
  assert.deepEqual(names(catalog.jobs), ['backup', 'backup/x']);

  const edited = makeJob('backup', '@daily', { fingerprint: 'edited' });
  assert.deepEqual(summary(catalog.replaceEntry('backup', scan([edited]))), {
    added: [],
    changed: ['backup'],
    removed: [],
  });
  assert.deepEqual(summary(catalog.replaceEntry('backup', scan([]))), { added: [], changed: [], removed: ['backup'] });
  assert.deepEqual(names(catalog.jobs), ['backup/x']);
  // An unreadable folder keeps its own jobs and, still, the stored ones.
  catalog.replaceEntry('backup', scan([edited]));
  const ioFailed: Diagnostic = { severity: 'error', code: 'IO_FAILED', path: `${ROOT}/backup`, message: 'EIO' };
  assert.deepEqual(summary(catalog.replaceEntry('backup', scan([], [ioFailed]))), NOTHING);
  assert.deepEqual(names(catalog.jobs), ['backup', 'backup/x']);
  // And a rescan of the whole folder, with the folder job gone, leaves backup/x too.
  assert.deepEqual(summary(catalog.replaceAll(scan([]))), { added: [], changed: [], removed: ['backup'] });
  assert.deepEqual(names(catalog.jobs), ['backup/x']);
});

test('stored diagnostics appear in catalog.diagnostics, survive folder scans, and go with the next replaceStored', () => {
  const catalog = new JobCatalog(ROOT);
  const folderProblem: Diagnostic = {
    severity: 'error',
    code: 'JOB_INVALID',
    path: `${ROOT}/broken/job.ini`,
    message: 'line 1: nope',
  };
  catalog.replaceAll(scan([], [folderProblem]));
  const problems = storedProblems('example', 'bad', { timout: '5m' });
  catalog.replaceStored({ jobs: [storedSpec('example', 'good')], diagnostics: problems });
  assert.deepEqual(catalog.diagnostics, [folderProblem, ...problems]);
  assert.deepEqual(names(catalog.jobs), ['example/good']);

  catalog.replaceAll(scan([]));
  assert.deepEqual(catalog.diagnostics, problems);
  catalog.replaceEntry('broken', scan([], [folderProblem]));
  assert.deepEqual(catalog.diagnostics, [folderProblem, ...problems]);
  catalog.replaceEntry('broken', scan([]));
  assert.deepEqual(catalog.diagnostics, problems);

  catalog.replaceStored(stored(storedSpec('example', 'good')));
  assert.deepEqual(catalog.diagnostics, []);
});

test('a folder job triggering a stored job: the unknown target is reported until the stored job comes', () => {
  const catalog = new JobCatalog(ROOT);
  const chained = makeJob('backup', '@daily', {
    options: { ...defaultJobOptions('/jobs/backup', 'backup'), triggers: [{ job: 'example/a', args: [] }] },
  });
  const messages = (): string[] => catalog.diagnostics.map((d) => d.message);
  catalog.replaceAll(scan([chained]));
  const unknown = messages();
  assert.equal(unknown.length, 1);
  assert.match(unknown[0]!, /example\/a/);

  catalog.replaceStored(stored(storedSpec('example', 'a')));
  assert.deepEqual(messages(), []);
  catalog.replaceStored(stored());
  assert.deepEqual(messages(), unknown);
});
