import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CODES, PycronError } from '../../src/errors.ts';
import { renderErrorTable } from './render-error-table.ts';

describe('PycronError', () => {
  it('names the place, what was expected and what was found', () => {
    const error = new PycronError('CONFIG_BAD_VALUE', {
      where: { file: 'config.ini', section: 'Timings', key: 'SLEEP_DURATION' },
      expected: 'a number of minutes',
      got: 'ten',
    });
    assert.equal(error.message, "config.ini [Timings] SLEEP_DURATION: expected a number of minutes, got 'ten'");
    assert.equal(error.exitCode, 2);
  });

  it('uses a reason sentence when there is no expected/got', () => {
    const error = new PycronError('JOB_NOT_FOUND', { reason: "no job named 'x'" });
    assert.equal(error.message, "no job named 'x'");
    assert.equal(error.exitCode, 2);
  });
});

describe('docs/errors.md', () => {
  it('lists exactly the codes of src/errors.ts, with their exit codes and HTTP statuses', () => {
    const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    assert.ok(
      docs.includes(renderErrorTable(ERROR_CODES)),
      'docs/errors.md is out of date: run `node --import tsx scripts/render-error-docs.ts` and paste the table',
    );
  });
});
