import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from '../../src/diagnostic.ts';
import { countInvalidJobFolders } from '../../src/metrics/count-invalid-job-folders.ts';

const jobs = '/srv/pycron/jobs';

function error(path: string): Diagnostic {
  return { severity: 'error', code: 'JOB_INVALID', path, message: 'bad' };
}

test('errors in several files of one folder count once', () => {
  assert.equal(
    countInvalidJobFolders(
      [error(`${jobs}/backup/job.ini`), error(`${jobs}/backup/schedule`), error(`${jobs}/backup`)],
      jobs,
    ),
    1,
  );
});

test('warnings do not make a folder invalid', () => {
  assert.equal(countInvalidJobFolders([{ ...error(`${jobs}/backup/job.ini`), severity: 'warning' }], jobs), 0);
});

test('PyCron-layout entries and nested job names count by their top-level entry', () => {
  assert.equal(
    countInvalidJobFolders(
      [error(`${jobs}/report.py`), error(`${jobs}/team/a/job.ini`), error(`${jobs}/team/b`)],
      jobs,
    ),
    2,
  );
});

test('errors about the jobs folder itself or outside it are not job folders', () => {
  assert.equal(countInvalidJobFolders([error(jobs), error('/srv/pycron'), error('/etc/pycron/config.ini')], jobs), 0);
});

test('a folder whose name starts with two dots is still inside', () => {
  assert.equal(countInvalidJobFolders([error(`${jobs}/..hidden/job.ini`)], jobs), 1);
});

test('a relative path is read from the jobs folder', () => {
  assert.equal(countInvalidJobFolders([error('backup/job.ini')], jobs), 1);
});
