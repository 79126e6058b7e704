// The `pycron runs` table from fixed status records: each result (ok, exit code, signal, timeout, none), start
// times in each job's zone (a DST day included), durations, alignment that holds for lines printed later by
// --follow, and colour only when asked for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration } from '../../src/commands/format-duration.ts';
import { RunsTable } from '../../src/commands/runs-table.ts';
import { indexedRunFromObject, type IndexedRun } from '../../src/history/indexed-run.ts';
import { makeRecord, runIdFor, type RecordSpec } from '../history/history-fixtures.ts';

const ZONES: Record<string, string> = {
  backup: 'Europe/Berlin',
  report: 'UTC',
  sync: 'America/Sao_Paulo',
  gone: 'Asia/Kolkata',
  lost: 'UTC',
};

/** A run as the history reads it back from a record built by the real buildStatusRecord. */
function runOf(spec: Omit<RecordSpec, 'endedAt'> & { begunAt: string }): IndexedRun {
  const durationMs = spec.durationMs ?? 1500;
  const record = makeRecord({ ...spec, durationMs, endedAt: Date.parse(spec.begunAt) + durationMs });
  const run = indexedRunFromObject(JSON.parse(JSON.stringify(record)));
  assert.ok(run);
  return run;
}

// 2026-03-29: Berlin moves from +01:00 to +02:00 at 01:00 UTC.
const RUNS = [
  runOf({ job: 'backup', begunAt: '2026-03-29T01:30:00.000Z', runId: runIdFor(1), reason: 'scheduled' }),
  runOf({
    job: 'report',
    begunAt: '2026-03-29T02:00:00.000Z',
    runId: runIdFor(2),
    exitCode: 3,
    durationMs: 250,
    reason: 'retry after failure (attempt 2)',
  }),
  runOf({
    job: 'sync',
    begunAt: '2026-03-29T03:00:00.000Z',
    runId: runIdFor(3),
    timedOut: true,
    durationMs: 3_900_000,
    reason: 'triggered by cli',
  }),
  runOf({
    job: 'gone',
    begunAt: '2026-03-29T04:00:00.000Z',
    runId: runIdFor(4),
    exitCode: null,
    signal: 'SIGKILL',
    durationMs: 65_000,
    reason: 'catch-up:\nmissed slot',
  }),
  runOf({ job: 'lost', begunAt: '2026-03-29T05:00:00.000Z', runId: runIdFor(5), exitCode: null, durationMs: 0 }),
];

describe('pycron runs: the table', () => {
  it('one aligned line per run: start in the job zone, result, duration, run id, reason last', () => {
    const table = new RunsTable({ zoneOf: (job) => ZONES[job]!, colour: false });
    table.fit(RUNS);
    assert.deepEqual(
      [table.header(), ...RUNS.map((run) => table.line(run))],
      [
        'STARTED                     JOB     RESULT                 DURATION  RUN ID                                REASON',
        '2026-03-29 03:30:00 +02:00  backup  ok                     1.5 s     00000000-0000-4000-8000-000000000001  scheduled',
        '2026-03-29 02:00:00 +00:00  report  failed (exit 3)        250 ms    00000000-0000-4000-8000-000000000002  retry after failure (attempt 2)',
        '2026-03-29 00:00:00 -03:00  sync    timed out (SIGTERM)    1h 05m    00000000-0000-4000-8000-000000000003  triggered by cli',
        '2026-03-29 09:30:00 +05:30  gone    failed (SIGKILL)       1m 05s    00000000-0000-4000-8000-000000000004  catch-up: missed slot',
        '2026-03-29 05:00:00 +00:00  lost    failed (no exit code)  0 ms      00000000-0000-4000-8000-000000000005  schedule',
      ],
    );
  });

  it('--follow: columns sized before any run is seen (for the job names given) line up with later lines', () => {
    const table = new RunsTable({ zoneOf: () => 'UTC', colour: false });
    table.fit([], ['backup', 'a-longer-job-name']);
    const header = table.header();
    const later = table.line(RUNS[1]!);
    assert.equal(
      header,
      'STARTED                     JOB                RESULT             DURATION  RUN ID                                REASON',
    );
    assert.equal(
      later,
      '2026-03-29 02:00:00 +00:00  report             failed (exit 3)    250 ms    00000000-0000-4000-8000-000000000002  retry after failure (attempt 2)',
    );
    assert.equal(later.indexOf('failed'), header.indexOf('RESULT'));
    assert.equal(later.indexOf('250 ms'), header.indexOf('DURATION'));
  });

  it('colour: the header bold and each result in its colour, the columns where they are without it', () => {
    const plain = new RunsTable({ zoneOf: (job) => ZONES[job]!, colour: false });
    const coloured = new RunsTable({ zoneOf: (job) => ZONES[job]!, colour: true });
    plain.fit(RUNS);
    coloured.fit(RUNS);
    // eslint-disable-next-line no-control-regex
    const strip = (text: string): string => text.replace(/\u001b\[\d+m/g, '');
    assert.equal(strip(coloured.header()), plain.header());
    assert.ok(coloured.header().startsWith('\u001b[1mSTARTED'));
    const tones = RUNS.map((run) => coloured.line(run).split('\u001b[')[1]?.slice(0, 2));
    assert.deepEqual(tones, ['32', '31', '33', '31', '31']);
    for (const run of RUNS) assert.equal(strip(coloured.line(run)), plain.line(run));
  });
});

describe('pycron runs: durations', () => {
  it('at the precision that matters for their size', () => {
    const cases: [number, string][] = [
      [0, '0 ms'],
      [999, '999 ms'],
      [1000, '1.0 s'],
      [59_999, '59.9 s'],
      [60_000, '1m 00s'],
      [3_599_999, '59m 59s'],
      [3_600_000, '1h 00m'],
      [2 * 86_400_000 + 4 * 3_600_000 + 59_000, '2d 04h'],
      [Number.NaN, '-'],
      [-5, '-'],
    ];
    assert.deepEqual(
      cases.map(([ms]) => formatDuration(ms)),
      cases.map(([, text]) => text),
    );
  });
});
