import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ServiceEventBus, type ServiceEvents } from '../../src/events.ts';
import { RunHistory } from '../../src/history/run-history.ts';
import { StatusLog } from '../../src/statuslog/status-log.ts';
import type { StatusRecord } from '../../src/statuslog/status-record.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { dayFile, local, makeRecord, runIdFor, withLogsFolder, writeWithStatusLog } from './history-fixtures.ts';

const ids = (runs: { runId: string }[]): string[] => runs.map((run) => run.runId);

function openHistory(dir: string, clock: FakeClock, options: { retentionDays?: number; maxRuns?: number } = {}) {
  return new RunHistory({ logsFolder: dir, retentionDays: options.retentionDays ?? 30, clock, ...options });
}

test('indexes several days of real status-log files, newest first, past a garbage line and a torn record', async () => {
  await withLogsFolder(async (dir) => {
    const a1 = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 10, 9) });
    const b1 = makeRecord({ job: 'beta', endedAt: local(2026, 3, 10, 23, 59, 59), exitCode: 2 });
    const a2 = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 11, 0, 0, 1), timedOut: true });
    const b2 = makeRecord({ job: 'beta', endedAt: local(2026, 3, 11, 8) });
    const a3 = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 12, 7) });
    await writeWithStatusLog(dir, [a1, b1, a2, b2]);
    // A crash tore a record of day 11; the next record was appended to its remains, after a line of garbage.
    const glued = makeRecord({ job: 'beta', endedAt: local(2026, 3, 11, 9) });
    const torn = JSON.stringify(makeRecord({ job: 'gamma', endedAt: local(2026, 3, 11, 8, 30) })).slice(0, 70);
    fs.appendFileSync(dayFile(dir, 2026, 3, 11), `not json at all\n${torn}${JSON.stringify(glued)}\n`);
    await writeWithStatusLog(dir, [a3]);
    // A record still being written at the end of today's file is left for later.
    const late = JSON.stringify(makeRecord({ job: 'gamma', endedAt: local(2026, 3, 12, 8) }));
    fs.appendFileSync(dayFile(dir, 2026, 3, 12), late.slice(0, 100));

    const clock = new FakeClock(local(2026, 3, 12, 10));
    await using history = openHistory(dir, clock);
    await history.ready;
    assert.deepEqual(
      ids(history.query().runs),
      [a3, glued, b2, a2, b1, a1].map((r) => r.run_id),
    );
    const stats = history.stats();
    assert.deepEqual(
      { runs: stats.runs, lines: stats.linesRead, unreadable: stats.unreadableLines, torn: stats.tornLines },
      { runs: 6, lines: 7, unreadable: 1, torn: 1 },
    );
    const found = await history.get(glued.run_id);
    assert.equal(found.kind, 'found');
    assert.deepEqual(found.kind === 'found' && found.record, glued);

    fs.appendFileSync(dayFile(dir, 2026, 3, 12), `${late.slice(100)}\n`);
    await history.refresh();
    assert.equal(history.query({ limit: 1 }).runs[0]?.job, 'gamma');
    assert.equal(history.stats().runs, 7);
  });
});

test('an entry carries the small fields of its record, and where its line is', async () => {
  await withLogsFolder(async (dir) => {
    const record = makeRecord({ job: 'slow', endedAt: local(2026, 3, 12, 9), timedOut: true, durationMs: 30_000 });
    await writeWithStatusLog(dir, [record]);
    await using history = openHistory(dir, new FakeClock(local(2026, 3, 12, 10)));
    await history.ready;
    const line = `${JSON.stringify(record)}\n`;
    assert.deepEqual(history.query().runs, [
      {
        runId: record.run_id,
        job: 'slow',
        status: 'timed_out',
        ok: false,
        statusCode: null,
        signal: 'SIGTERM',
        timedOut: true,
        forcefullyTerminated: false,
        scheduledAt: local(2026, 3, 12, 9) - 30_000,
        begunAt: local(2026, 3, 12, 9) - 30_000,
        endedAt: local(2026, 3, 12, 9),
        durationMs: 30_000,
        reasonForRun: 'schedule',
        location: { file: path.basename(dayFile(dir, 2026, 3, 12)), offset: 0, length: Buffer.byteLength(line) - 1 },
      },
    ]);
  });
});

test('queries filter by job, status and time, and a cursor pages through every run exactly once', async () => {
  await withLogsFolder(async (dir) => {
    const records: StatusRecord[] = [];
    for (let i = 0; i < 250; i++) {
      const job = ['alpha', 'beta', 'gamma'][i % 3]!;
      const endedAt = local(2026, 3, 10, 0, 5) + i * 15 * 60_000; // every 15 minutes over three days
      records.push(makeRecord({ job, endedAt, exitCode: i % 7 === 0 ? 1 : 0, timedOut: i % 11 === 0 }));
    }
    await writeWithStatusLog(dir, records);
    await using history = openHistory(dir, new FakeClock(local(2026, 3, 13, 12)));
    await history.ready;
    const newestFirst = records.map((r) => r.run_id).reverse();

    const paged: string[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = history.query({ limit: 40, ...(before ? { before } : {}) });
      paged.push(...ids(page.runs));
      if (page.next === null) break;
      before = page.next;
    }
    assert.deepEqual(paged, newestFirst);

    const beta = records.filter((r) => r.job === 'beta');
    assert.deepEqual(ids(history.query({ job: 'beta', limit: 1000 }).runs), beta.map((r) => r.run_id).reverse());
    const failed = records.filter((r) => !r.ok);
    assert.deepEqual(ids(history.query({ status: 'failed', limit: 1000 }).runs), failed.map((r) => r.run_id).reverse());
    const timedOut = records.filter((r) => r.timed_out).map((r) => r.run_id);
    assert.deepEqual(ids(history.query({ status: 'timed_out' }).runs), timedOut.reverse());
    assert.deepEqual(
      ids(history.query({ status: 'ok', job: 'gamma', limit: 1000 }).runs),
      records
        .filter((r) => r.ok && r.job === 'gamma')
        .map((r) => r.run_id)
        .reverse(),
    );

    // since is inclusive, until exclusive, both on ended_at.
    const since = Date.parse(records[100]!.ended_at);
    const until = Date.parse(records[120]!.ended_at);
    assert.deepEqual(ids(history.query({ since, until }).runs), newestFirst.slice(130, 150));
    assert.deepEqual(ids(history.query({ since, job: 'alpha', limit: 2 }).runs), [
      records[249]!.run_id,
      records[246]!.run_id,
    ]);

    const jobPage = history.query({ job: 'alpha', limit: 10 });
    const next = history.query({ job: 'alpha', limit: 10, before: jobPage.next! });
    assert.deepEqual(
      [...ids(jobPage.runs), ...ids(next.runs)],
      records
        .filter((r) => r.job === 'alpha')
        .map((r) => r.run_id)
        .reverse()
        .slice(0, 20),
    );
    assert.equal(history.query({ limit: 5000 }).runs.length, 250); // read as 1000
    assert.equal(history.query().runs.length, 100);
    assert.deepEqual(history.query({ job: 'nobody' }), { runs: [], next: null });
  });
});

test('a malformed query is a BAD_REQUEST that names the parameter', async () => {
  await withLogsFolder(async (dir) => {
    await using history = openHistory(dir, new FakeClock(local(2026, 3, 12)));
    await history.ready;
    const cases: [Parameters<RunHistory['query']>[0], string][] = [
      [{ limit: 0 }, 'limit: expected a whole number from 1 to 1000, got 0'],
      [{ limit: 2.5 }, 'limit: expected a whole number from 1 to 1000, got 2.5'],
      [{ status: 'broken' as never }, "status: expected ok, failed or timed_out, got 'broken'"],
      [{ since: Number.NaN }, 'since: expected an instant, got null'],
      [{ before: 'x12' }, "before: expected the next cursor of an earlier page, got 'x12'"],
    ];
    for (const [query, message] of cases) {
      assert.throws(() => history.query(query), { name: 'PycronError', code: 'BAD_REQUEST', message });
    }
  });
});

test('get() reads a run back with its output, whatever the output holds; an unknown id is unknown', async () => {
  await withLogsFolder(async (dir) => {
    const tricky = 'quotes " and \\ and ,"next_run":"x", and {"file":"y"}\nline two ü 日本 \u0001\n';
    const record = makeRecord({ job: 'tricky', endedAt: local(2026, 3, 12, 9), stdout: tricky, stderr: 'err "x"' });
    const other = makeRecord({ job: 'plain', endedAt: local(2026, 3, 12, 9, 30) });
    await writeWithStatusLog(dir, [record, other]);
    await using history = openHistory(dir, new FakeClock(local(2026, 3, 12, 10)));
    await history.ready;
    assert.deepEqual(ids(history.query().runs), [other.run_id, record.run_id]);
    const found = await history.get(record.run_id);
    assert.equal(found.kind, 'found');
    assert.equal(found.kind === 'found' && found.record.output, tricky);
    assert.equal(found.kind === 'found' && found.record.error, 'err "x"');
    assert.deepEqual(await history.get(runIdFor(999_999)), { kind: 'unknown' });
    assert.deepEqual(await history.get('not-a-uuid'), { kind: 'unknown' });
  });
});

test('a status-log file removed or replaced under the history: its runs stay listed and get() says they are gone', async () => {
  await withLogsFolder(async (dir) => {
    const old = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 10, 9) });
    const replaced = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 11, 9) });
    await writeWithStatusLog(dir, [old, replaced]);
    await using history = openHistory(dir, new FakeClock(local(2026, 3, 12, 10)));
    await history.ready;
    fs.rmSync(dayFile(dir, 2026, 3, 10));
    fs.writeFileSync(dayFile(dir, 2026, 3, 11), 'x'.repeat(4000));

    const gone = await history.get(old.run_id);
    assert.equal(gone.kind, 'gone');
    assert.equal(
      gone.kind === 'gone' && gone.reason,
      `job_status-2026-03-10.log, which held run ${old.run_id}, was removed (status-log retention)`,
    );
    const changed = await history.get(replaced.run_id);
    assert.equal(
      changed.kind === 'gone' && changed.reason,
      `job_status-2026-03-11.log no longer holds run ${replaced.run_id} at byte 0: the file was replaced or cut`,
    );
    assert.deepEqual(ids(history.query().runs), [replaced.run_id, old.run_id]);
  });
});

test('a file rewritten with its records elsewhere is read again: each run is found at its new place, once', async () => {
  await withLogsFolder(async (dir) => {
    const first = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 11, 9), stdout: 'first\n' });
    const second = makeRecord({ job: 'beta', endedAt: local(2026, 3, 11, 10), stdout: 'second\n' });
    await writeWithStatusLog(dir, [first, second]);
    await using history = openHistory(dir, new FakeClock(local(2026, 3, 11, 12)));
    await history.ready;
    const file = dayFile(dir, 2026, 3, 11);
    fs.writeFileSync(`${file}.new`, `# moved by hand\n${JSON.stringify(second)}\n${JSON.stringify(first)}\n`);
    fs.renameSync(`${file}.new`, file);
    await history.refresh();
    assert.deepEqual(ids(history.query().runs), [second.run_id, first.run_id]);
    const found = await history.get(first.run_id);
    assert.equal(found.kind === 'found' && found.record.output, 'first\n');
  });
});

test('runs from run:finished events are listed at once, and read back once their line is read', async () => {
  await withLogsFolder(async (dir) => {
    const clock = new FakeClock(local(2026, 3, 12, 10));
    const events = new ServiceEventBus();
    const statusLog = await StatusLog.open({ logsFolder: dir, retentionDays: 30, now: () => clock.now() });
    const before = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 12, 9) });
    statusLog.write(before);
    await using history = new RunHistory({ logsFolder: dir, retentionDays: 30, clock, events });
    const finished = (record: StatusRecord): void => {
      statusLog.write(record);
      events.emit('run:finished', { record } as ServiceEvents['run:finished']);
    };

    const during = makeRecord({ job: 'beta', endedAt: local(2026, 3, 12, 10) });
    finished(during); // while the first reading runs
    await history.ready;
    const now = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 12, 10, 1), stdout: 'fresh output\n' });
    finished(now);
    const [first] = history.query().runs;
    assert.equal(first?.runId, now.run_id);
    assert.equal(first?.location, null, 'known from the event only, until its line is read');
    const found = await history.get(now.run_id);
    assert.equal(found.kind === 'found' && found.record.output, 'fresh output\n');
    assert.deepEqual(ids(history.query().runs), [now.run_id, during.run_id, before.run_id]);
    assert.notEqual(history.query().runs[0]?.location, null);

    // Another process (`pycron run`) wrote a record: no event, it is read with the next pass.
    const other = await StatusLog.open({ logsFolder: dir, retentionDays: 30, now: () => clock.now() });
    const manual = makeRecord({ job: 'gamma', endedAt: local(2026, 3, 12, 10, 2), reason: 'manual' });
    other.write(manual);
    await other.close();
    const next = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 12, 10, 3) });
    finished(next);
    await history.get(next.run_id);
    assert.deepEqual(ids(history.query({ limit: 2 }).runs), [next.run_id, manual.run_id]);

    // A record the status log could not write: listed from its event, and gone for get().
    const lost = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 12, 10, 4) });
    events.emit('run:finished', { record: lost } as ServiceEvents['run:finished']);
    assert.deepEqual(await history.get(lost.run_id), {
      kind: 'gone',
      entry: history.query({ limit: 1 }).runs[0],
      reason: `the status record of run ${lost.run_id} is not in the status log (the logs folder may not be writable)`,
    });
    await statusLog.close();
  });
});

test('retention: runs before the oldest kept day are not read, and are dropped at each local midnight', async () => {
  await withLogsFolder(async (dir) => {
    const day10 = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 10, 12) });
    const day11 = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 11, 12), exitCode: 1 });
    const day12 = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 12, 12) });
    await writeWithStatusLog(dir, [day10, day11, day12]);
    const clock = new FakeClock(local(2026, 3, 12, 15));
    await using history = openHistory(dir, clock, { retentionDays: 2 });
    await history.ready;
    assert.deepEqual(ids(history.query().runs), [day12.run_id, day11.run_id]);
    assert.equal(history.summary('alpha').failed, 1);

    clock.jumpTo(local(2026, 3, 12, 23, 59, 59));
    assert.equal(history.stats().runs, 2, 'nothing is dropped before midnight');
    clock.jumpTo(local(2026, 3, 13, 0, 0, 1));
    assert.deepEqual(ids(history.query().runs), [day12.run_id]);
    assert.deepEqual(await history.get(day11.run_id), { kind: 'unknown' });
    assert.equal(history.summary('alpha').failed, 0);
    assert.equal(history.stats().expiredRuns, 1);
    clock.advance(2 * 86_400_000);
    assert.deepEqual(history.query().runs, []);
    assert.deepEqual(history.jobs, []);
  });
});

test('summary() and recent() answer per job', async () => {
  await withLogsFolder(async (dir) => {
    const runs = [
      makeRecord({ job: 'alpha', endedAt: local(2026, 3, 12, 1) }),
      makeRecord({ job: 'alpha', endedAt: local(2026, 3, 12, 2), exitCode: 1 }),
      makeRecord({ job: 'beta', endedAt: local(2026, 3, 12, 3) }),
      makeRecord({ job: 'alpha', endedAt: local(2026, 3, 12, 4), timedOut: true }),
    ];
    await writeWithStatusLog(dir, runs);
    await using history = openHistory(dir, new FakeClock(local(2026, 3, 12, 10)));
    await history.ready;
    const summary = history.summary('alpha');
    assert.deepEqual(
      {
        ...summary,
        lastRun: summary.lastRun?.runId,
        lastSuccess: summary.lastSuccess?.runId,
        lastFailure: summary.lastFailure?.runId,
      },
      {
        job: 'alpha',
        total: 3,
        ok: 1,
        failed: 2,
        timedOut: 1,
        lastRun: runs[3]!.run_id,
        lastSuccess: runs[0]!.run_id,
        lastFailure: runs[3]!.run_id,
        consecutiveFailures: 2,
      },
    );
    assert.deepEqual(history.summary('nobody'), {
      job: 'nobody',
      total: 0,
      ok: 0,
      failed: 0,
      timedOut: 0,
      lastRun: null,
      lastSuccess: null,
      lastFailure: null,
      consecutiveFailures: 0,
    });
    assert.deepEqual(ids(history.recent('alpha', 2)), [runs[3]!.run_id, runs[1]!.run_id]);
    assert.deepEqual(history.jobs.sort(), ['alpha', 'beta']);
  });
});

test('beyond maxRuns the oldest runs are dropped, and counted', async () => {
  await withLogsFolder(async (dir) => {
    const records = Array.from({ length: 30 }, (_, i) =>
      makeRecord({ job: `job-${i % 4}`, endedAt: local(2026, 3, 12, 1) + i * 60_000 }),
    );
    await writeWithStatusLog(dir, records);
    await using history = openHistory(dir, new FakeClock(local(2026, 3, 12, 10)), { maxRuns: 20 });
    await history.ready;
    const kept = history.query({ limit: 1000 }).runs;
    assert.ok(kept.length <= 20 && kept.length >= 19, `${kept.length} runs kept`);
    assert.deepEqual(
      ids(kept),
      records
        .map((r) => r.run_id)
        .reverse()
        .slice(0, kept.length),
    );
    assert.equal(history.stats().droppedOverCap, 30 - kept.length);
  });
});

test('a missing logs folder is an empty history, and files that appear later are read', async () => {
  await withLogsFolder(async (parent) => {
    const dir = path.join(parent, 'not-yet');
    await using history = openHistory(dir, new FakeClock(local(2026, 3, 12, 10)));
    await history.ready;
    assert.deepEqual(history.query(), { runs: [], next: null });
    const record = makeRecord({ job: 'alpha', endedAt: local(2026, 3, 12, 9) });
    await writeWithStatusLog(dir, [record]);
    await history.refresh();
    assert.deepEqual(ids(history.query().runs), [record.run_id]);
  });
});

test('close() during the first reading stops it and resolves', async () => {
  await withLogsFolder(async (dir) => {
    const records = Array.from({ length: 2000 }, (_, i) =>
      makeRecord({ job: 'alpha', endedAt: local(2026, 3, 12, 1) + i * 1000, stdout: 'o'.repeat(2000) }),
    );
    await writeWithStatusLog(dir, records);
    const history = openHistory(dir, new FakeClock(local(2026, 3, 12, 10)));
    await history.close();
    await history.ready;
    assert.ok(history.stats().runs < records.length, `${history.stats().runs} runs read`);
  });
});
