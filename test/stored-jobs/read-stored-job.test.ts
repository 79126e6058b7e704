// A stored job becomes a job spec through job.ini's rules: its options over its protos over config.ini [Defaults].
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { JobDefaults } from '../../src/jobs/read-job-options.ts';
import type { ScanResult } from '../../src/jobs/scan-jobs-folder.ts';
import { readStoredJob, storedJobPlace } from '../../src/stored-jobs/read-stored-job.ts';
import type { StoredJob } from '../../src/stored-jobs/stored-job.ts';

const UTC = { timezone: 'UTC' };
/** A jobs folder that does not exist: fine for every stored job that names no proto. */
const NO_JOBS = path.join(tmpdir(), 'pycron-no-such-jobs-folder');

function stored(overrides: Partial<StoredJob> = {}): StoredJob {
  return {
    category: 'example',
    name: 'Test Job',
    schedule: 'R/2013-05-29T00:00:00/PT1M',
    command: 'sleep 10',
    routingKey: null,
    options: {},
    ...overrides,
  };
}

/** The one job of a read that must succeed (fails with the diagnostics otherwise). */
function onlyJob(result: ScanResult): NonNullable<ScanResult['jobs'][0]> {
  assert.deepEqual(
    result.diagnostics.map((d) => d.message),
    [],
  );
  assert.equal(result.jobs.length, 1);
  return result.jobs[0]!;
}

/** The messages of a read that must fail (no job). */
function errors(result: ScanResult): string[] {
  assert.deepEqual(result.jobs, [], 'a job was made despite the errors');
  for (const d of result.diagnostics) {
    assert.equal(d.severity, 'error');
    assert.equal(d.path, 'stored job example/Test Job');
  }
  return result.diagnostics.map((d) => d.message);
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

test("CronQ's job becomes one shell-command spec named CATEGORY/NAME", () => {
  const job = onlyJob(readStoredJob(stored(), NO_JOBS, UTC));
  assert.equal(job.name, 'example/Test Job');
  assert.equal(job.layout, 'stored');
  assert.deepEqual(job.command, { kind: 'shell', script: 'sleep 10' });
  assert.equal(job.file, 'stored job example/Test Job');
  assert.equal(storedJobPlace({ category: 'example', name: 'Test Job' }), job.file);
  assert.equal(job.folder, tmpdir());
  assert.equal(job.options.dir, tmpdir());
  assert.equal(job.options.type, 'job');
  assert.equal(job.options.title, 'example/Test Job');
  assert.equal(job.enabled, true);
  assert.equal(job.timeoutMs, undefined);
  assert.equal(job.options.routingKey, undefined);
  assert.deepEqual(job.scheduleArgs, [[]]);
});

test('its ISO 8601 schedule fires at the literal instants, read in the default zone', () => {
  const job = onlyJob(readStoredJob(stored(), NO_JOBS, UTC));
  assert.equal(job.schedules.length, 1);
  const schedule = job.schedules[0]!;
  assert.equal(schedule.kind, 'iso8601');
  assert.equal(schedule.expression, 'R/2013-05-29T00:00:00/PT1M');
  assert.equal(iso(schedule.next(Date.parse('2013-05-28T12:00:00Z'))), '2013-05-29T00:00:00.000Z');
  assert.equal(iso(schedule.next(Date.parse('2013-05-29T00:00:00Z'))), '2013-05-29T00:01:00.000Z');
  assert.equal(iso(schedule.next(Date.parse('2013-05-29T00:00:30Z'))), '2013-05-29T00:01:00.000Z');
  assert.equal(iso(schedule.next(Date.parse('2020-01-01T00:00:00Z'))), '2020-01-01T00:01:00.000Z');

  const berlin = onlyJob(readStoredJob(stored(), NO_JOBS, { timezone: 'Europe/Berlin' }));
  assert.equal(berlin.timezone, 'Europe/Berlin');
  assert.equal(iso(berlin.schedules[0]!.next(Date.parse('2013-05-28T12:00:00Z'))), '2013-05-28T22:00:00.000Z');
});

test('a bounded repetition ends after its count', () => {
  const job = onlyJob(readStoredJob(stored({ schedule: 'R3/2013-05-29T00:00:00Z/PT1H' }), NO_JOBS, UTC));
  const schedule = job.schedules[0]!;
  const fired: (string | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < 4; i++) {
    const next = schedule.next(at);
    fired.push(iso(next));
    if (next === undefined) break;
    at = next;
  }
  assert.deepEqual(fired, [
    '2013-05-29T00:00:00.000Z',
    '2013-05-29T01:00:00.000Z',
    '2013-05-29T02:00:00.000Z',
    undefined,
  ]);
});

test('cron and interval schedules are taken too (any pycron expression)', () => {
  const cron = onlyJob(readStoredJob(stored({ schedule: '30 2 * * *' }), NO_JOBS, UTC));
  assert.equal(iso(cron.schedules[0]!.next(Date.parse('2024-03-01T03:00:00Z'))), '2024-03-02T02:30:00.000Z');
  const every = onlyJob(readStoredJob(stored({ schedule: 'every 5m' }), NO_JOBS, UTC));
  assert.equal(every.schedules[0]!.kind, 'interval');
});

test('routing_key reaches options.routingKey', () => {
  const job = onlyJob(readStoredJob(stored({ routingKey: 'slow' }), NO_JOBS, UTC));
  assert.equal(job.options.routingKey, 'slow');
});

test('options are job.ini main keys, in any spelling: timeout, overlap, retry-delay', () => {
  const job = onlyJob(
    readStoredJob(
      stored({ options: { timeout: '5m', overlap: 'queue', 'retry-delay': '30s', Queue_Max: '3', enabled: 'no' } }),
      NO_JOBS,
      UTC,
    ),
  );
  assert.equal(job.timeoutMs, 300_000);
  assert.equal(job.options.overlap, 'queue');
  assert.equal(job.options.retryDelayMs, 30_000);
  assert.equal(job.options.queueMax, 3);
  assert.equal(job.enabled, false);
});

test('the fingerprint is stable, follows the command, and not the spelling of an equal option', () => {
  const fingerprint = (job: StoredJob): string => onlyJob(readStoredJob(job, NO_JOBS, UTC)).fingerprint;
  const base = fingerprint(stored({ options: { timeout: '5m', overlap: 'queue' } }));
  assert.match(base, /^[0-9a-f]{16}$/);
  assert.equal(fingerprint(stored({ options: { timeout: '5m', overlap: 'queue' } })), base);
  assert.equal(fingerprint(stored({ options: { overlap: 'queue', timeout: '5m' } })), base);
  assert.equal(fingerprint(stored({ options: { timeout: '300', overlap: 'queue' } })), base);
  assert.notEqual(fingerprint(stored({ command: 'sleep 11', options: { timeout: '5m', overlap: 'queue' } })), base);
  assert.notEqual(fingerprint(stored({ schedule: '@daily', options: { timeout: '5m', overlap: 'queue' } })), base);
  assert.notEqual(fingerprint(stored({ routingKey: 'slow', options: { timeout: '5m', overlap: 'queue' } })), base);
  assert.notEqual(fingerprint(stored({ options: { timeout: '6m', overlap: 'queue' } })), base);
});

test('a bad schedule is an error whose message starts with schedule:, with no line number', () => {
  const result = readStoredJob(stored({ schedule: 'every 3 fortnights' }), NO_JOBS, UTC);
  const messages = errors(result);
  assert.equal(messages.length, 1);
  assert.match(messages[0]!, /^schedule: 'every 3 fortnights': /);
  assert.ok(!messages[0]!.includes('line 0'), messages[0]);
  assert.equal(result.diagnostics[0]?.code, 'SCHEDULE_INVALID');
});

test('an unknown option is refused with a did-you-mean hint', () => {
  assert.deepEqual(errors(readStoredJob(stored({ options: { timout: '5m' } }), NO_JOBS, UTC)), [
    "options.timout: unknown job.ini key (did you mean 'timeout'? see docs/job-ini.md)",
  ]);
  assert.deepEqual(errors(readStoredJob(stored({ options: { zzzzzzzzzz: '1' } }), NO_JOBS, UTC)), [
    'options.zzzzzzzzzz: unknown job.ini key (see docs/job-ini.md)',
  ]);
});

test("options that are the job's own fields, or type, are refused", () => {
  assert.deepEqual(
    errors(
      readStoredJob(
        stored({ options: { type: 'job', command: 'echo', Schedule: '@daily', 'routing-key': 'x' } }),
        NO_JOBS,
        UTC,
      ),
    ),
    [
      'options.type: a stored job is always type = job (a proc belongs to the instance that starts it: use a job folder)',
      "options.command: give it as the job's 'command' field",
      "options.Schedule: give it as the job's 'schedule' field",
      "options.routing-key: give it as the job's 'routing_key' field",
    ],
  );
});

test('a bad option value is an error naming the key, with no line number', () => {
  assert.deepEqual(errors(readStoredJob(stored({ options: { overlap: 'sometimes' } }), NO_JOBS, UTC)), [
    "overlap: expected one of ignore, asap, queue, parallel, replace, got 'sometimes'",
  ]);
  const [timeout] = errors(readStoredJob(stored({ options: { timeout: 'forever' } }), NO_JOBS, UTC));
  assert.match(timeout!, /^timeout: expected a duration .*, got 'forever'$/);
});

test('config.ini [Defaults] apply under the options of the job', () => {
  const at = (key: string, value: string, line: number): JobDefaults[string] => ({
    key,
    value,
    line,
    file: '/etc/pycron/config.ini',
    section: 'Defaults',
  });
  const jobDefaults: JobDefaults = {
    overlap: at('overlap', 'asap', 10),
    timeout: at('timeout', '10m', 11),
    log_start: at('log-start', 'no', 12),
  };
  const plain = onlyJob(readStoredJob(stored(), NO_JOBS, { timezone: 'UTC', jobDefaults }));
  assert.deepEqual([plain.options.overlap, plain.timeoutMs, plain.options.logStart], ['asap', 600_000, false]);
  const own = onlyJob(
    readStoredJob(stored({ options: { overlap: 'queue', log_start: 'yes' } }), NO_JOBS, {
      timezone: 'UTC',
      jobDefaults,
    }),
  );
  assert.deepEqual([own.options.overlap, own.timeoutMs, own.options.logStart], ['queue', 600_000, true]);
  // A default changes the job's fingerprint: a SIGHUP with new [Defaults] is noticed as a change.
  assert.notEqual(plain.fingerprint, onlyJob(readStoredJob(stored(), NO_JOBS, UTC)).fingerprint);
});

test('a bad [Defaults] value is reported where it was set', () => {
  const jobDefaults: JobDefaults = {
    overlap: { key: 'overlap', value: 'never', line: 4, file: '/etc/pycron/config.ini', section: 'Defaults' },
  };
  assert.deepEqual(errors(readStoredJob(stored(), NO_JOBS, { timezone: 'UTC', jobDefaults })), [
    "/etc/pycron/config.ini:4 [Defaults] overlap: expected one of ignore, asap, queue, parallel, replace, got 'never'",
  ]);
});

describe('proto = in a stored job', () => {
  let jobs: string;
  before(async () => {
    jobs = await mkdtemp(path.join(tmpdir(), 'pycron-stored-protos-'));
    await mkdir(path.join(jobs, '_protos'));
    await writeFile(
      path.join(jobs, '_protos', 'slow.ini'),
      'overlap = queue\nqueue_max = 3\ntimeout = 2m\nrouting_key = fast\n[env]\nREGION = eu\n',
    );
    await writeFile(path.join(jobs, '_protos', 'loud.ini'), 'log_output = yes\nqueue_max = 7\n');
    await writeFile(path.join(jobs, '_protos', 'broken.ini'), 'timeout = 1m\ncolour = red\n');
    await writeFile(path.join(jobs, '_protos', 'daemon.ini'), 'type = proc\n');
  });
  after(async () => {
    await rm(jobs, { recursive: true, force: true });
  });

  test('a proto file JOBS/_protos/NAME.ini applies, under the options of the job', () => {
    const job = onlyJob(readStoredJob(stored({ options: { proto: 'slow', timeout: '5m' } }), jobs, UTC));
    assert.equal(job.options.overlap, 'queue');
    assert.equal(job.options.queueMax, 3);
    assert.equal(job.timeoutMs, 300_000);
    assert.deepEqual(job.options.env, { REGION: 'eu' });
    // The proto's routing key applies when the job gives none; the job's own wins otherwise.
    assert.equal(job.options.routingKey, 'fast');
    const routed = onlyJob(readStoredJob(stored({ routingKey: 'gpu', options: { proto: 'slow' } }), jobs, UTC));
    assert.equal(routed.options.routingKey, 'gpu');
  });

  test('protos apply in order, a later one winning', () => {
    const job = onlyJob(readStoredJob(stored({ options: { proto: 'slow, loud' } }), jobs, UTC));
    assert.deepEqual([job.options.overlap, job.options.queueMax, job.options.logOutput], ['queue', 7, true]);
  });

  test("a proto's text is part of the fingerprint", async () => {
    await writeFile(path.join(jobs, '_protos', 'edited.ini'), 'queue_max = 7\n');
    const job = stored({ options: { proto: 'edited' } });
    const before = onlyJob(readStoredJob(job, jobs, UTC)).fingerprint;
    assert.equal(onlyJob(readStoredJob(job, jobs, UTC)).fingerprint, before);
    await writeFile(path.join(jobs, '_protos', 'edited.ini'), 'queue_max = 8\n');
    assert.notEqual(onlyJob(readStoredJob(job, jobs, UTC)).fingerprint, before);
  });

  test('a missing proto is an error naming the file it looked for', () => {
    assert.deepEqual(errors(readStoredJob(stored({ options: { proto: 'nope' } }), jobs, UTC)), [
      `proto: no proto named 'nope' (expected the file ${path.join(jobs, '_protos', 'nope.ini')})`,
    ]);
  });

  test("a proto's own problem is reported on the stored job, naming the proto file", () => {
    const messages = errors(readStoredJob(stored({ options: { proto: 'broken' } }), jobs, UTC));
    assert.equal(messages.length, 1);
    assert.ok(
      messages[0]!.startsWith(`${path.join(jobs, '_protos', 'broken.ini')}:2: unknown key 'colour'`),
      messages[0],
    );
  });

  test('a proto that makes it a proc is refused, saying why (a proc belongs to one instance)', () => {
    const messages = errors(readStoredJob(stored({ schedule: 'none', options: { proto: 'daemon' } }), jobs, UTC));
    assert.ok(
      messages.includes(
        'type = proc (from a proto or [Defaults]): a stored job is always type = job (a proc belongs to the instance that starts it: use a job folder)',
      ),
      messages.join(' | '),
    );
  });
});

test('one option under two spellings is refused, as job.ini refuses a key set twice (the database reorders keys)', () => {
  const messages = errors(readStoredJob(stored({ options: { timeout: '1m', TIMEOUT: '5m' } }), NO_JOBS, UTC));
  assert.deepEqual(messages, ["options.TIMEOUT: given twice (also as 'timeout'): keep one"]);
  const dashed = errors(readStoredJob(stored({ options: { retry_delay: '1m', 'retry-delay': '2m' } }), NO_JOBS, UTC));
  assert.deepEqual(dashed, ["options.retry-delay: given twice (also as 'retry_delay'): keep one"]);
});
