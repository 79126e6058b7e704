import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOutcome } from '../../src/metrics/run-outcome.ts';
import type { RunResult } from '../../src/runner/run-result.ts';
import { buildStatusRecord } from '../../src/statuslog/status-record.ts';
import { resultOf } from './metrics-harness.ts';

function outcomeOf(result: Partial<RunResult>): string {
  const record = buildStatusRecord({
    job: { name: 'backup', file: '/srv/pycron/jobs/backup/run.sh' },
    result: resultOf({
      job: 'backup',
      runId: 'run-1',
      scheduledAt: '2026-11-23T08:00:00.000Z',
      startedAt: '2026-11-23T08:00:00.000Z',
      durationMs: 1000,
      result,
    }),
    scheduledAt: Date.parse('2026-11-23T08:00:00.000Z'),
    reasonForRun: 'scheduled',
    failedAttempts: 1,
    nextRun: undefined,
    host: 'box1',
  });
  return runOutcome(record);
}

test('exit 0 is a success', () => {
  assert.equal(outcomeOf({}), 'success');
});

test('any other exit code is a failure', () => {
  assert.equal(outcomeOf({ exitCode: 3 }), 'failure');
  assert.equal(outcomeOf({ exitCode: 255 }), 'failure');
});

test('a timeout is a timeout, whichever signal ended it', () => {
  assert.equal(outcomeOf({ exitCode: null, signal: 'SIGTERM', timedOut: true }), 'timeout');
  assert.equal(outcomeOf({ exitCode: null, signal: 'SIGKILL', timedOut: true, forcefullyTerminated: true }), 'timeout');
  // A job that traps SIGTERM and exits 0 after its timeout still timed out.
  assert.equal(outcomeOf({ exitCode: 0, timedOut: true }), 'timeout');
});

test('a signal without a timeout is killed (stopped at shutdown, kill -9 from outside, overlap = replace)', () => {
  assert.equal(outcomeOf({ exitCode: null, signal: 'SIGTERM' }), 'killed');
  assert.equal(outcomeOf({ exitCode: null, signal: 'SIGKILL', forcefullyTerminated: true }), 'killed');
});

test('a process that never started is a spawn_error', () => {
  assert.equal(
    outcomeOf({ exitCode: null, pid: null, error: "cannot run 'run.sh': permission denied" }),
    'spawn_error',
  );
});

test('a run recovered after a crash had a process: a failure, not a spawn_error', () => {
  assert.equal(
    outcomeOf({ exitCode: null, pid: 4242, error: 'pycron stopped (crash or kill -9) during this run' }),
    'failure',
  );
});
