import assert from 'node:assert/strict';
import { test } from 'node:test';
import { satisfiesNodeRange } from '../../src/doctor/satisfies-node-range.ts';

const RANGE = '^20.19.0 || >=22.12.0';

test('the package range: 20.19 and later 20.x, 22.12 and later, never 21 or early 22', () => {
  const cases: [string, boolean][] = [
    ['20.18.3', false],
    ['20.19.0', true],
    ['v20.20.2', true],
    ['21.7.3', false],
    ['22.11.0', false],
    ['22.12.0', true],
    ['24.1.0', true],
    ['20.10.0', false],
  ];
  for (const [version, expected] of cases) assert.equal(satisfiesNodeRange(version, RANGE), expected, version);
});

test('exact versions, missing parts, a wildcard; undefined for forms it does not read', () => {
  assert.equal(satisfiesNodeRange('20.19.0', '20.19'), true);
  assert.equal(satisfiesNodeRange('20.19.1', '20.19.0'), false);
  assert.equal(satisfiesNodeRange('18.0.0', '>=18'), true);
  assert.equal(satisfiesNodeRange('1.0.0', '*'), true);
  assert.equal(satisfiesNodeRange('20.19.0', '~20.19.0'), undefined);
  assert.equal(satisfiesNodeRange('20.19.0', '>=20 <23'), undefined);
  assert.equal(satisfiesNodeRange('banana', '>=20'), undefined);
});
