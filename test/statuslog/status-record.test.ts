import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatusRecord } from '../../src/statuslog/status-record.ts';
import type { RunResult } from '../../src/runner/run-result.ts';

const started = Date.parse('2026-11-23T08:00:00.120Z');

function result(overrides: Partial<RunResult>): RunResult {
  return {
    runId: '5f0c6a3e-8f6d-4b7e-9a51-0d6f2f1c9b11',
    job: 'backup',
    exitCode: 0,
    signal: null,
    timedOut: false,
    forcefullyTerminated: false,
    error: null,
    pid: 4242,
    startedAt: started,
    endedAt: started + 1530,
    durationMs: 1530,
    stdout: 'saved 3 files\n',
    stderr: '',
    outputTruncated: false,
    errorTruncated: false,
    ...overrides,
  };
}

const common = {
  job: { name: 'backup', file: '/etc/pycron/jobs/backup/backup.sh' },
  scheduledAt: Date.parse('2026-11-23T08:00:00.000Z'),
  reasonForRun: 'schedule',
  nextRun: Date.parse('2026-11-24T08:00:00.000Z'),
  host: 'box1',
};

test('a successful run gives the whole record, PyCron fields first', () => {
  const record = buildStatusRecord({ ...common, result: result({}), failedAttempts: 2 });
  const expected = {
    file: '/etc/pycron/jobs/backup/backup.sh',
    uuid: '5f0c6a3e-8f6d-4b7e-9a51-0d6f2f1c9b11',
    status_code: 0,
    output: 'saved 3 files\n',
    error: '',
    next_run: '2026-11-24T08:00:00.000Z',
    reason_for_run: 'schedule',
    number_of_failed_attempts: 0,
    begun_at: '2026-11-23T08:00:00.120Z',
    ended_at: '2026-11-23T08:00:01.650Z',
    runtime: 1.53,
    job: 'backup',
    run_id: '5f0c6a3e-8f6d-4b7e-9a51-0d6f2f1c9b11',
    scheduled_at: '2026-11-23T08:00:00.000Z',
    duration_ms: 1530,
    signal: null,
    timed_out: false,
    forcefully_terminated: false,
    output_truncated: false,
    error_truncated: false,
    spawn_error: null,
    host: 'box1',
    pid: 4242,
    args: [],
    ok: true,
  };
  assert.deepEqual(record, expected);
  assert.equal(JSON.stringify(record), JSON.stringify(expected)); // the key order too
});

test('a timed-out run killed by a signal has no status code and counts as a failed attempt', () => {
  const record = buildStatusRecord({
    ...common,
    result: result({
      exitCode: null,
      signal: 'SIGKILL',
      timedOut: true,
      forcefullyTerminated: true,
      stderr: 'working',
      errorTruncated: true,
    }),
    failedAttempts: 3,
    nextRun: undefined,
  });
  assert.equal(record.status_code, null);
  assert.equal(record.signal, 'SIGKILL');
  assert.equal(record.number_of_failed_attempts, 3);
  assert.equal(record.next_run, null);
  assert.equal(record.error, 'working');
  assert.deepEqual(
    [record.timed_out, record.forcefully_terminated, record.error_truncated, record.ok],
    [true, true, true, false],
  );
});

test('a run that could not start carries the sentence in error and spawn_error', () => {
  const sentence = '/etc/pycron/jobs/backup/backup.sh cannot be run: it is not executable (chmod +x it)';
  const record = buildStatusRecord({
    ...common,
    result: result({ exitCode: null, pid: null, error: sentence, stdout: '', endedAt: started, durationMs: 0 }),
    failedAttempts: 1,
  });
  assert.deepEqual(
    [record.status_code, record.pid, record.error, record.spawn_error, record.runtime, record.ok],
    [null, null, sentence, sentence, 0, false],
  );
});

test("pycron's sentence follows captured stderr on a line of its own", () => {
  const record = buildStatusRecord({
    ...common,
    result: result({
      exitCode: null,
      error: 'the service was restarted while this run was in flight',
      stderr: 'half a line',
    }),
    failedAttempts: 1,
  });
  assert.equal(record.error, 'half a line\nthe service was restarted while this run was in flight');
});
