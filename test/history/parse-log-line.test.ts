import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { indexedRunFromObject } from '../../src/history/indexed-run.ts';
import { parseLogLine } from '../../src/history/parse-log-line.ts';
import { parseInstant, readRecordFields } from '../../src/history/read-record-fields.ts';
import { MAX_WHOLE_LINE_BYTES, readLogLines, type LogLine } from '../../src/history/read-log-lines.ts';
import type { StatusRecord } from '../../src/statuslog/status-record.ts';
import { local, makeRecord, withLogsFolder } from './history-fixtures.ts';

const lineOf = (text: string): LogLine => {
  const bytes = Buffer.from(text);
  return { offset: 0, length: bytes.length, head: bytes, tail: bytes, whole: true };
};

/** Records whose text holds what could fool a reader that looks for keys in the raw line. */
function trickyRecords(): StatusRecord[] {
  const fake = ',"run_id":"fake","job":"fake","ok":true,"ended_at":"2000-01-01T00:00:00.000Z","next_run":null';
  return [
    makeRecord({ job: 'plain', endedAt: local(2026, 3, 12, 9) }),
    makeRecord({ job: 'fooled', endedAt: local(2026, 3, 12, 9), stdout: fake, stderr: `{"file":${fake}}` }),
    makeRecord({ job: 'we"ird\\job ü', endedAt: local(2026, 3, 12, 9), exitCode: 255, reason: 'trigger "x"' }),
    makeRecord({ job: 'killed', endedAt: local(2026, 3, 12, 9), exitCode: null, signal: 'SIGKILL' }),
    makeRecord({ job: 'slow', endedAt: local(2026, 3, 12, 9), timedOut: true, stdout: '\\"\\\\"\n\u0000' }),
    { ...makeRecord({ job: 'args', endedAt: local(2026, 3, 12, 9) }), args: ['a","ok":false', ',"job":"x"'] },
    { ...makeRecord({ job: 'odd-id', endedAt: local(2026, 3, 12, 9) }), run_id: 'run-7', uuid: 'run-7' },
  ];
}

test('the fast reading of a line gives what JSON.parse of the whole line gives', () => {
  for (const record of trickyRecords()) {
    const text = JSON.stringify(record);
    const expected = indexedRunFromObject(JSON.parse(text));
    assert.ok(expected);
    // The head and tail the line reader hands over, read without JSON.parse:
    const head = text.slice(0, text.indexOf(',"output":'));
    const tail = text.slice(text.lastIndexOf(',"next_run":'));
    assert.deepEqual(readRecordFields(head, tail), expected, record.job);
    assert.deepEqual(parseLogLine(lineOf(text)), { run: expected, skipped: 0 }, record.job);
  }
});

test('a record with its keys in another order is read whole', () => {
  const record = makeRecord({ job: 'sorted', endedAt: local(2026, 3, 12, 9), exitCode: 3 });
  const sorted = Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  assert.deepEqual(parseLogLine(lineOf(JSON.stringify(sorted))), { run: indexedRunFromObject(record), skipped: 0 });
});

test('lines that are not a status record are unreadable', () => {
  for (const text of ['garbage', '{"run_id":"x"}', '[1,2]', '{"file":"/x","uuid":"a","status_code":0,"output":"']) {
    assert.deepEqual(parseLogLine(lineOf(text)), { run: undefined, problem: 'unreadable' }, text);
  }
});

test('a record appended to the remains of a torn one is found, wherever the tear was', () => {
  const torn = JSON.stringify(makeRecord({ job: 'torn', endedAt: local(2026, 3, 12, 8), stdout: 'x,"y"\n' }));
  const whole = makeRecord({ job: 'whole', endedAt: local(2026, 3, 12, 9) });
  const expected = indexedRunFromObject(whole);
  for (let cut = 1; cut < torn.length; cut++) {
    const reading = parseLogLine(lineOf(torn.slice(0, cut) + JSON.stringify(whole)));
    assert.deepEqual(reading, { run: expected, skipped: cut }, `torn after ${cut} bytes`);
  }
});

test('instants in toISOString form are read without Date.parse, and others with it', () => {
  for (const ms of [0, local(2026, 3, 12, 9, 30, 15) + 123, Date.UTC(2024, 1, 29, 23, 59, 59, 999)]) {
    assert.equal(parseInstant(new Date(ms).toISOString()), ms);
  }
  assert.equal(parseInstant('2026-03-12T09:30:15+01:00'), Date.UTC(2026, 2, 12, 8, 30, 15));
  assert.ok(Number.isNaN(parseInstant('2026-13-12T09:30:15.000Z')));
  assert.ok(Number.isNaN(parseInstant('tomorrow')));
});

test('a line longer than the whole-line bound is read from its head and tail; one without a record is too long', async () => {
  await withLogsFolder(async (dir) => {
    const big = makeRecord({ job: 'flood', endedAt: local(2026, 3, 12, 9), stdout: 'y'.repeat(MAX_WHOLE_LINE_BYTES) });
    const small = makeRecord({ job: 'after', endedAt: local(2026, 3, 12, 10) });
    const file = path.join(dir, 'lines.log');
    fs.writeFileSync(
      file,
      `${JSON.stringify(big)}\n${'z'.repeat(MAX_WHOLE_LINE_BYTES + 10)}\n${JSON.stringify(small)}\n`,
    );
    const readings: unknown[] = [];
    await readLogLines(file, 0, (line) => {
      const reading = parseLogLine(line);
      readings.push({ whole: line.whole, job: reading.run?.job, problem: reading.run ? undefined : reading.problem });
    });
    assert.deepEqual(readings, [
      { whole: false, job: 'flood', problem: undefined },
      { whole: false, job: undefined, problem: 'too-long' },
      { whole: true, job: 'after', problem: undefined },
    ]);
  });
});
