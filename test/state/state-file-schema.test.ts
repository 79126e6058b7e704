import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceState } from '../../src/state/job-state.ts';
import { parseStateFile } from '../../src/state/state-file-schema.ts';

describe('parseStateFile', () => {
  it('keeps every JobState field through a save and a load', () => {
    const state: ServiceState = {
      version: 1,
      jobs: {
        full: {
          knownSince: 1,
          lastSlotAt: 2,
          nextDueAt: 3,
          retryAt: 4,
          failures: 5,
          lastRun: { runId: 'r1', scheduledAt: 6, startedAt: 7, endedAt: 8, exitCode: 3, ok: false },
          slotAttempts: 2,
          periodDueAt: 13,
          inFlight: [
            {
              runId: 'r2',
              scheduledAt: 9,
              reason: 'retry',
              attempt: 6,
              startedAt: 10,
              pid: 11,
              pidStartTicks: 12,
              bootId: 'boot',
              file: '/jobs/full/run.sh',
            },
          ],
          rebootFiredFor: 'boot',
        },
      },
    };
    assert.deepEqual(parseStateFile(JSON.stringify(state)), { state });
  });

  it('reads the single in-flight run that pycron 0.1 wrote as a list of one', () => {
    const run = { runId: 'r', scheduledAt: 1, reason: 'schedule', attempt: 1, startedAt: 2 };
    const parsed = parseStateFile(JSON.stringify({ version: 1, jobs: { a: { failures: 0, inFlight: run } } }));
    assert.ok('state' in parsed);
    assert.deepEqual(parsed.state.jobs.a?.inFlight, [run]);
  });
});
