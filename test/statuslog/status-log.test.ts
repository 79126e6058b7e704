import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StatusLog, localDay } from '../../src/statuslog/status-log.ts';
import type { StatusRecord } from '../../src/statuslog/status-record.ts';

async function withFolder(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await fs.promises.mkdtemp(os.tmpdir() + '/pycron-');
  try {
    await fn(dir);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** A record with only what these tests look at. */
function record(runId: string): StatusRecord {
  return { run_id: runId, output: 'done' } as unknown as StatusRecord;
}

function readLines(file: string): unknown[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

/** Instants built from local calendar fields, so the tests mean the same day under any TZ. */
const local = (y: number, mo: number, d: number, h = 12, mi = 0, s = 0): number =>
  new Date(y, mo - 1, d, h, mi, s).getTime();

test('1000 records written then closed are all in the file, in order, exactly as given', async () => {
  await withFolder(async (dir) => {
    const log = await StatusLog.open({ logsFolder: dir, retentionDays: 30 });
    for (let i = 0; i < 1000; i++) log.write(record(`run-${i}`));
    await log.close();
    const lines = readLines(path.join(dir, 'job_status.log'));
    assert.equal(lines.length, 1000);
    lines.forEach((line, i) => assert.deepEqual(line, { run_id: `run-${i}`, output: 'done' }));
  });
});

test('a record is in the file as soon as write() returns', async () => {
  await withFolder(async (dir) => {
    const log = await StatusLog.open({ logsFolder: dir, retentionDays: 30 });
    log.write(record('first'));
    assert.equal(fs.readFileSync(path.join(dir, 'job_status.log'), 'utf8'), '{"run_id":"first","output":"done"}\n');
    await log.close();
  });
});

test('records written before a kill -9 of the process are all in the file', async () => {
  await withFolder(async (dir) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'write-records.ts'), dir, '2000'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
    assert.equal(chunk.toString(), 'written\n');
    child.kill('SIGKILL');
    await once(child, 'exit');
    const lines = readLines(path.join(dir, 'job_status.log')) as { run_id: string }[];
    assert.equal(lines.length, 2000);
    assert.equal(lines[1999]?.run_id, 'run-1999');
  });
});

test('job_status.log is a symlink to the current day file, and the folder holds nothing else', async () => {
  await withFolder(async (dir) => {
    const logsFolder = path.join(dir, 'logs', 'deeper');
    const now = local(2026, 11, 23, 8);
    const log = await StatusLog.open({ logsFolder, retentionDays: 30, now: () => now });
    log.write(record('a'));
    await log.close();
    assert.equal(fs.readlinkSync(path.join(logsFolder, 'job_status.log')), 'job_status-2026-11-23.log');
    assert.deepEqual(fs.readdirSync(logsFolder).sort(), ['job_status-2026-11-23.log', 'job_status.log']);
    assert.equal(log.currentFile, path.join(logsFolder, 'job_status-2026-11-23.log'));
  });
});

test('the first record after local midnight goes to the new day file and the symlink follows', async () => {
  await withFolder(async (dir) => {
    let now = local(2026, 11, 23, 23, 59, 59);
    const log = await StatusLog.open({ logsFolder: dir, retentionDays: 30, now: () => now });
    log.write(record('before-midnight'));
    now = local(2026, 11, 24, 0, 0, 1);
    assert.equal(fs.readlinkSync(path.join(dir, 'job_status.log')), 'job_status-2026-11-23.log'); // rotation is lazy
    log.write(record('after-midnight'));
    await log.close();
    assert.equal(fs.readlinkSync(path.join(dir, 'job_status.log')), 'job_status-2026-11-24.log');
    assert.deepEqual(readLines(path.join(dir, 'job_status-2026-11-23.log')), [
      { run_id: 'before-midnight', output: 'done' },
    ]);
    assert.deepEqual(readLines(path.join(dir, 'job_status-2026-11-24.log')), [
      { run_id: 'after-midnight', output: 'done' },
    ]);
  });
});

test("a regular job_status.log (PyCron's) is renamed aside, kept whole, and the symlink is made", async () => {
  await withFolder(async (dir) => {
    fs.writeFileSync(path.join(dir, 'job_status.log'), 'pycron line\n');
    fs.writeFileSync(path.join(dir, 'job_status.pycron-2026-11-23.log'), 'an earlier move\n');
    const notices: string[] = [];
    const now = local(2026, 11, 23);
    const log = await StatusLog.open({
      logsFolder: dir,
      retentionDays: 30,
      now: () => now,
      onNotice: (n) => notices.push(n),
    });
    log.write(record('a'));
    await log.close();
    const aside = path.join(dir, 'job_status.pycron-2026-11-23-2.log');
    const notice = `${path.join(dir, 'job_status.log')} was a regular file (PyCron's status log); it was renamed to ${aside} so that job_status.log can name the current day's file.`;
    assert.deepEqual(notices, [notice]);
    assert.deepEqual(log.notices, [notice]);
    assert.equal(fs.readFileSync(aside, 'utf8'), 'pycron line\n');
    assert.equal(fs.readlinkSync(path.join(dir, 'job_status.log')), 'job_status-2026-11-23.log');
  });
});

test('retention keeps the last N days by the date in the name and nothing else is touched', async () => {
  await withFolder(async (dir) => {
    const names = [
      'job_status-2026-11-19.log',
      'job_status-2026-11-20.log',
      'job_status-2026-11-21.log',
      'job_status-2026-11-22.log',
      'job_status-2025-12-31.log',
      'job_status.pycron-2020-01-01.log',
      'notes.txt',
    ];
    for (const name of names) fs.writeFileSync(path.join(dir, name), '');
    let now = local(2026, 11, 23);
    const log = await StatusLog.open({ logsFolder: dir, retentionDays: 3, now: () => now });
    assert.deepEqual(fs.readdirSync(dir).sort(), [
      'job_status-2026-11-21.log',
      'job_status-2026-11-22.log',
      'job_status-2026-11-23.log',
      'job_status.log',
      'job_status.pycron-2020-01-01.log',
      'notes.txt',
    ]);
    now = local(2026, 11, 24);
    log.write(record('a'));
    await log.close();
    assert.equal(fs.existsSync(path.join(dir, 'job_status-2026-11-21.log')), false);
    assert.equal(fs.existsSync(path.join(dir, 'job_status-2026-11-22.log')), true);
  });
});

test('retention 0 keeps every file', async () => {
  await withFolder(async (dir) => {
    fs.writeFileSync(path.join(dir, 'job_status-2001-01-01.log'), '');
    const log = await StatusLog.open({ logsFolder: dir, retentionDays: 0 });
    await log.close();
    assert.equal(fs.existsSync(path.join(dir, 'job_status-2001-01-01.log')), true);
  });
});

test('a folder that cannot be created fails open with IO_FAILED naming it', async () => {
  await withFolder(async (dir) => {
    fs.writeFileSync(path.join(dir, 'file'), '');
    const logsFolder = path.join(dir, 'file', 'logs');
    await assert.rejects(StatusLog.open({ logsFolder, retentionDays: 30 }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'IO_FAILED');
      assert.equal(
        error.message,
        `${logsFolder}: the status log cannot be opened: ENOTDIR: not a directory, mkdir '${logsFolder}'`,
      );
      return true;
    });
  });
});

test('a write after close is reported and not written', async () => {
  await withFolder(async (dir) => {
    const errors: string[] = [];
    const log = await StatusLog.open({ logsFolder: dir, retentionDays: 30, onError: (e) => errors.push(e.message) });
    await log.close();
    log.write(record('late'));
    assert.deepEqual(errors, ['status record late written after the status log was closed']);
    assert.equal(fs.readFileSync(log.currentFile, 'utf8'), '');
  });
});

test('localDay names the local calendar day', () => {
  assert.equal(localDay(local(2026, 1, 2, 0, 0, 0)), '2026-01-02');
  assert.equal(localDay(local(2026, 12, 31, 23, 59, 59)), '2026-12-31');
});
