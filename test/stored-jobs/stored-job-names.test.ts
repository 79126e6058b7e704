// Category and job names of stored jobs: what a PUT may name, and the pycron name they make.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCategoryName, isStoredJobName, storedJobName } from '../../src/stored-jobs/stored-job.ts';

test('isCategoryName accepts plain names, dots, underscores and dashes, up to 64 characters', () => {
  for (const name of ['example', 'billing.eu-1', 'a', 'Reports_2', '9lives', 'x'.repeat(64), 'apis', 'uix']) {
    assert.equal(isCategoryName(name), true, name);
  }
});

test('isCategoryName refuses PyCron folder names, the routed paths (any case), paths and bad lengths', () => {
  for (const name of [
    '5min',
    '1hour',
    '2day',
    '1week',
    'api',
    'UI',
    'Health',
    'monitor',
    'METRICS',
    '../x',
    'a/b',
    '.hidden',
    '-dash',
    '_protos',
    'with space',
    '',
    'x'.repeat(65),
  ]) {
    assert.equal(isCategoryName(name), false, JSON.stringify(name));
  }
});

test("isStoredJobName accepts CronQ's names (spaces inside), up to 100 characters", () => {
  for (const name of ['Test Job', 'nightly', 'a', '_x', '-x', 'v1.2 rollout', 'x'.repeat(100)]) {
    assert.equal(isStoredJobName(name), true, name);
  }
});

test('isStoredJobName refuses a leading dot or space, a trailing space, a slash, and bad lengths', () => {
  for (const name of ['.hidden', ' lead', 'trail ', 'a/b', '..', '', 'tab\there', 'x'.repeat(101)]) {
    assert.equal(isStoredJobName(name), false, JSON.stringify(name));
  }
});

test('storedJobName is CATEGORY/NAME', () => {
  assert.equal(storedJobName({ category: 'example', name: 'Test Job' }), 'example/Test Job');
  assert.equal(storedJobName({ category: 'billing.eu-1', name: 'x' }), 'billing.eu-1/x');
});
