// The body of PUT /api/v1/categories/NAME: CronQ's shape, checked for shape alone, every problem reported at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PycronError } from '../../src/errors.ts';
import { MAX_CATEGORY_JOBS, parseCategoryBody } from '../../src/stored-jobs/parse-category-body.ts';
import { STORED_NAME_EXPECTED, type StoredJob } from '../../src/stored-jobs/stored-job.ts';

const body = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

/** The PycronError parseCategoryBody throws for `value` (fails the test when it does not throw one). */
function refusal(value: unknown, category = 'example'): PycronError {
  try {
    parseCategoryBody(body(value), category);
  } catch (error) {
    assert.ok(error instanceof PycronError, `not a PycronError: ${String(error)}`);
    return error;
  }
  assert.fail('the body was accepted');
}

const job = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'j',
  schedule: '@daily',
  command: 'true',
  ...overrides,
});

test("CronQ's README body parses to one stored job", () => {
  const jobs = parseCategoryBody(
    Buffer.from(
      '{"category":"example","jobs":[{"name":"Test Job","schedule":"R/2013-05-29T00:00:00/PT1M","command":"sleep 10","routing_key":"slow"}]}',
    ),
    'example',
  );
  const expected: StoredJob[] = [
    {
      category: 'example',
      name: 'Test Job',
      schedule: 'R/2013-05-29T00:00:00/PT1M',
      command: 'sleep 10',
      routingKey: 'slow',
      options: {},
    },
  ];
  assert.deepEqual(jobs, expected);
});

test('the category may be left out of the body: the path names it', () => {
  const jobs = parseCategoryBody(body({ jobs: [job({ name: 'a' })] }), 'billing');
  assert.deepEqual(jobs, [
    { category: 'billing', name: 'a', schedule: '@daily', command: 'true', routingKey: null, options: {} },
  ]);
});

test("a body category other than the path's is refused, and nothing else hides it", () => {
  const error = refusal({ category: 'other', jobs: [job()] });
  assert.equal(error.code, 'CATEGORY_INVALID');
  assert.equal(
    error.message,
    `category 'example' was not changed: category: "other" is not the category in the path ('example')`,
  );
});

test('a body that is not JSON is a BAD_REQUEST', () => {
  const error = refusal('{"jobs": [');
  assert.equal(error.code, 'BAD_REQUEST');
  assert.match(error.message, /^the body is not JSON: /);
});

test('a JSON value that is not an object is refused', () => {
  for (const value of ['[]', '"jobs"', 'null', '3']) {
    const error = refusal(value);
    assert.equal(error.code, 'CATEGORY_INVALID', value);
    assert.equal(
      error.message,
      `category 'example' was not changed: expected a JSON object { "category": NAME, "jobs": [...] }`,
      value,
    );
  }
});

test('jobs missing or not a list is refused, with the unknown top-level fields', () => {
  const error = refusal({ job: [] });
  assert.equal(
    error.message,
    "category 'example' was not changed: job: unknown field (expected category and jobs); jobs: expected a list of jobs ([] removes every job of the category)",
  );
});

test('every problem is reported at once, each at its jobs[i] place', () => {
  const error = refusal({
    jobs: [
      job({ name: 'a/b' }),
      job({ name: 'twice' }),
      job({ name: 'twice' }),
      job({ name: 'blank', command: '  ' }),
      job({ name: 'route', routing_key: 'a b' }),
      job({ name: 'opts', options: ['timeout', '5m'] }),
      job({ name: 'deep', options: { timeout: { minutes: 5 } } }),
      job({ name: 'extra', colour: 'red' }),
      job({ name: 7 }),
    ],
  });
  assert.equal(error.code, 'CATEGORY_INVALID');
  assert.equal(
    error.message,
    "category 'example' was not changed: " +
      [
        `jobs[0] 'a/b': name: expected ${STORED_NAME_EXPECTED}`,
        "jobs[2] 'twice': name: given twice in this category",
        "jobs[3] 'blank': command: expected a non-blank string",
        "jobs[4] 'route': routing_key: expected a routing key of letters, digits, dot, underscore, colon and dash (slow, gpu.batch)",
        `jobs[5] 'opts': options: expected an object of job.ini keys ({ "timeout": "5m" })`,
        "jobs[6] 'deep': options.timeout: expected a string, number or boolean",
        "jobs[7] 'extra': unknown field 'colour' (expected name, schedule, command, routing_key, options)",
        `jobs[8]: name: expected ${STORED_NAME_EXPECTED}`,
      ].join('; '),
  );
});

test('a job that is not an object, or has no schedule, is reported', () => {
  const error = refusal({ jobs: ['x', { name: 'n', command: 'true' }] });
  assert.equal(
    error.message,
    "category 'example' was not changed: jobs[0]: expected an object with name, schedule and command; jobs[1] 'n': schedule: expected a non-blank string",
  );
});

test('a routing key that is not a string is refused', () => {
  const error = refusal({ jobs: [job({ routing_key: 5 })] });
  assert.equal(
    error.message,
    "category 'example' was not changed: jobs[0] 'j': routing_key: expected a string or null",
  );
});

test(`more than ${MAX_CATEGORY_JOBS} jobs are refused`, () => {
  const many = Array.from({ length: MAX_CATEGORY_JOBS + 1 }, (_, i) => job({ name: `job ${i}` }));
  const error = refusal({ jobs: many });
  assert.equal(error.code, 'CATEGORY_INVALID');
  assert.equal(
    error.message,
    `category 'example' was not changed: jobs: ${MAX_CATEGORY_JOBS + 1} jobs, more than ${MAX_CATEGORY_JOBS}: split them into categories`,
  );
  // Exactly the limit is fine.
  assert.equal(
    parseCategoryBody(body({ jobs: many.slice(0, MAX_CATEGORY_JOBS) }), 'example').length,
    MAX_CATEGORY_JOBS,
  );
});

test('only the first 20 problems are shown, with how many more there are', () => {
  const bad = Array.from({ length: 23 }, (_, i) => job({ name: `bad/${i}` }));
  const error = refusal({ jobs: bad });
  assert.equal(error.message.split('; ').length, 21);
  assert.match(error.message, /; and 3 more$/);
  assert.ok(error.message.includes("jobs[19] 'bad/19'"));
  assert.ok(!error.message.includes("jobs[20] 'bad/20'"));
});

test('jobs: [] is accepted (it empties the category)', () => {
  assert.deepEqual(parseCategoryBody(body({ category: 'example', jobs: [] }), 'example'), []);
});

test('option numbers and booleans become strings', () => {
  const [parsed] = parseCategoryBody(
    body({ jobs: [job({ options: { timeout: 300, log_start: false, overlap: 'queue' } })] }),
    'example',
  );
  assert.deepEqual(parsed?.options, { timeout: '300', log_start: 'false', overlap: 'queue' });
});

test('routing_key null or "" means none; a key is trimmed', () => {
  const jobs = parseCategoryBody(
    body({
      jobs: [
        job({ name: 'a', routing_key: null }),
        job({ name: 'b', routing_key: '' }),
        job({ name: 'c', routing_key: ' slow ' }),
      ],
    }),
    'example',
  );
  assert.deepEqual(
    jobs.map((j) => [j.name, j.routingKey]),
    [
      ['a', null],
      ['b', null],
      ['c', 'slow'],
    ],
  );
});

test('the schedule is trimmed, the command kept as given', () => {
  const [parsed] = parseCategoryBody(body({ jobs: [job({ schedule: '  @hourly ', command: ' echo hi\n' })] }), 'x');
  assert.equal(parsed?.schedule, '@hourly');
  assert.equal(parsed?.command, ' echo hi\n');
});

test('a control character in a command, a schedule or an option is refused (NUL would reach PostgreSQL)', () => {
  const body = {
    jobs: [
      { name: 'a', schedule: '@daily', command: 'echo \u0000' },
      { name: 'b', schedule: '@daily\u0007', command: 'true' },
      { name: 'c', schedule: '@daily', command: 'true', options: { title: 'x\u001b[31m' } },
      { name: 'd', schedule: '@daily', command: 'printf "a\\tb"\necho fine\r\n' },
    ],
  };
  assert.throws(
    () => parseCategoryBody(Buffer.from(JSON.stringify(body)), 'example'),
    (error: unknown) =>
      error instanceof PycronError &&
      error.message ===
        "category 'example' was not changed: jobs[0] 'a': command: holds a control character (only tab and newline); jobs[1] 'b': schedule: holds a control character (only tab and newline); jobs[2] 'c': options.title: holds a control character",
  );
});
