// `pycron status` text from a fixed answer: the header, each state a job can be in (idle, paused, disabled,
// running copies, a proc), next runs and last results in each job's zone, and only the folders that failed to load.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatStatus } from '../../src/commands/format-status.ts';
import type { ServiceStatus } from '../../src/commands/service-answer.ts';
import type { JobView } from '../../src/http/describe-job.ts';
import { fakeJobView } from '../control/socket-talk.ts';

const ESC = '\u001b';
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[\d+m/g;

function job(name: string, fields: Partial<JobView>): JobView {
  return { ...fakeJobView(name, false), next_runs: [], ...fields };
}

const STATUS: ServiceStatus = {
  ok: true,
  pid: 4242,
  version: '0.2.0',
  uptime_s: 3 * 3600 + 5 * 60,
  jobs: [
    job('backup', {
      schedule: 'at 02:30',
      timezone: 'Europe/Berlin',
      next_runs: ['2026-03-29T00:30:00.000Z', '2026-03-30T00:30:00.000Z'],
      last_result: {
        run_id: 'r1',
        ok: true,
        exit_code: 0,
        started_at: '2026-03-28T01:30:00.000Z',
        ended_at: '2026-03-28T01:31:00.000Z',
        duration_ms: 60_000,
      },
    }),
    job('flaky', {
      schedule: 'every 5 minutes',
      timezone: 'America/Sao_Paulo',
      paused: true,
      failures: 3,
      last_result: {
        run_id: 'r2',
        ok: false,
        exit_code: 3,
        started_at: '2026-03-29T03:00:00.000Z',
        ended_at: '2026-03-29T03:00:01.000Z',
        duration_ms: 1000,
      },
    }),
    job('import', { schedule: 'on trigger only', running: 2 }),
    job('old', { schedule: 'every hour', enabled: false }),
    job('tunnel', {
      schedule: 'proc (runs all the time)',
      type: 'proc',
      proc: { state: 'running', pid: 777, restarts: 1 },
    }),
  ],
  diagnostics: [
    { severity: 'error', code: 'JOB_INVALID', path: '/srv/jobs/broken', message: 'nothing to run' },
    { severity: 'warning', code: 'JOB_INVALID', path: '/srv/jobs/backup/job.ini', message: 'a warning' },
  ],
};

describe('pycron status: the text', () => {
  it('a header, one aligned line per job, and the folders not loaded', () => {
    assert.equal(
      formatStatus(STATUS, 'control socket /run/pycron.sock', false),
      [
        'pycron 0.2.0 is running (pid 4242), up 3h 05m, 5 jobs, 1 problem in job folders; reached on the control socket /run/pycron.sock',
        '',
        'JOB     SCHEDULE                  STATE              NEXT RUN                    LAST RESULT',
        'backup  at 02:30                  idle               2026-03-29 01:30:00 +01:00  ok 2026-03-28 02:31:00 +01:00',
        'flaky   every 5 minutes           paused             -                           failed (exit 3) 2026-03-29 00:00:01 -03:00, 3 failures in a row',
        'import  on trigger only           running x2         -                           never ran',
        'old     every hour                disabled           -                           never ran',
        'tunnel  proc (runs all the time)  running (pid 777)  -                           never ran',
        '',
        "Job folders not loaded ('pycron validate' checks them all):",
        '  /srv/jobs/broken: nothing to run',
        '',
      ].join('\n'),
    );
  });

  it('over HTTP the version is not known; no jobs says so', () => {
    const text = formatStatus(
      { ...STATUS, version: null, uptime_s: 42, jobs: [], diagnostics: [] },
      'HTTP API x',
      false,
    );
    assert.equal(
      text,
      [
        'pycron is running (pid 4242), up 42.0 s, 0 jobs; reached on the HTTP API x',
        '',
        'JOB  SCHEDULE  STATE  NEXT RUN  LAST RESULT',
        '(no jobs)',
        '',
      ].join('\n'),
    );
  });

  it('colour marks the states and results, and only when asked', () => {
    const text = formatStatus(STATUS, 'control socket /s', true);
    // Padded inside the colour, to the STATE column's width (running (pid 777)).
    assert.ok(text.includes(`${ESC}[33m${'paused'.padEnd(17)}${ESC}[0m`));
    assert.ok(text.includes(`${ESC}[32m${'running x2'.padEnd(17)}${ESC}[0m`));
    assert.ok(text.includes(`${ESC}[31mfailed (exit 3) `));
    assert.equal(text.replace(SGR, ''), formatStatus(STATUS, 'control socket /s', false));
  });
});
