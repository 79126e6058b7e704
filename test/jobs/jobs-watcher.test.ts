import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, promises as fs, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { test } from 'node:test';
import type { Diagnostic } from '../../src/diagnostic.ts';
import { ALL_ENTRIES, describeWatchError, watchJobsFolder } from '../../src/jobs/jobs-watcher.ts';
import { scanEntry } from '../../src/jobs/scan-jobs-folder.ts';
import { exec, makeTempJobs, writeTree, type TreeFile } from './job-tree.ts';

const run = promisify(execFile);

/** Collects reports; waitFor polls them until a deadline (no fixed sleeps). */
class Recorder {
  reports: Array<{ entry: string; at: number }> = [];
  errors: Diagnostic[] = [];
  onEntryChanged = (entry: string): void => void this.reports.push({ entry, at: Date.now() });
  onError = (d: Diagnostic): void => void this.errors.push(d);

  /** Waits until nothing was reported for `quietMs`. */
  async waitQuiet(quietMs: number): Promise<void> {
    const end = Date.now() + 10_000;
    while (Date.now() < end) {
      const last = this.reports.at(-1)?.at ?? 0;
      if (Date.now() - last >= quietMs) return;
      await delay(50);
    }
    assert.fail(`reports never stopped: ${JSON.stringify(this.reports.map((r) => r.entry))}`);
  }

  async waitFor(entry: string, since: number, deadlineMs: number, alsoAccept: string[] = []): Promise<number> {
    const end = Date.now() + deadlineMs;
    while (Date.now() < end) {
      const hit = this.reports.find((r) => r.at >= since && (r.entry === entry || alsoAccept.includes(r.entry)));
      if (hit) return hit.at - since;
      await delay(10);
    }
    assert.fail(
      `'${entry}' was not reported within ${deadlineMs} ms; reports: ${JSON.stringify(this.reports.filter((r) => r.at >= since).map((r) => r.entry))}`,
    );
  }
}

// A new folder is reported again ~300 ms and ~1 s after it is seen (gaps under 1 s): 1.2 s without a report means
// those re-checks are over, so the next report comes from the change under test.
const QUIET_MS = 1200;

async function withWatcher(
  fn: (jobs: string, rec: Recorder) => Promise<void>,
  before: Record<string, string | TreeFile> = {},
): Promise<void> {
  const temp = await makeTempJobs();
  await writeTree(temp.jobs, before);
  const rec = new Recorder();
  const watcher = watchJobsFolder(temp.jobs, rec);
  try {
    await watcher.ready;
    await fn(temp.jobs, rec);
    assert.deepEqual(rec.errors, []);
  } finally {
    await watcher.close();
    await temp.cleanup();
  }
}

test('a folder copied in with cp -r is reported within 1 s', () =>
  withWatcher(async (jobs, rec) => {
    const source = `${jobs}/../source`;
    await writeTree(source, { schedule: 'every 1s\n', 'run.sh': exec() });
    const since = Date.now();
    await run('cp', ['-r', source, `${jobs}/copied`]);
    const took = await rec.waitFor('copied', since, 1000);
    assert.ok(took < 1000);
    assert.equal((await scanEntry(jobs, 'copied', { timezone: 'UTC' })).jobs.length, 1);
  }));

test('mkdir, then files 20 ms later (20 times): the reports lead to the complete job every time', () =>
  withWatcher(async (jobs, rec) => {
    const latest = new Map<string, number>();
    // Act like the service: scan each reported entry and keep the newest result.
    const seen = rec.reports.length;
    const names = Array.from({ length: 20 }, (_, i) => `job${i}`);
    for (const name of names) {
      await fs.mkdir(`${jobs}/${name}`);
      await delay(20);
      await writeTree(`${jobs}/${name}`, { schedule: '@hourly\n', 'run.sh': exec() });
    }
    const end = Date.now() + 3000;
    let handled = seen;
    while (Date.now() < end && names.some((n) => latest.get(n) !== 1)) {
      const batch = rec.reports.slice(handled);
      handled += batch.length; // NOTE: before the awaits, so reports arriving meanwhile are not skipped
      for (const { entry } of batch) latest.set(entry, (await scanEntry(jobs, entry, { timezone: 'UTC' })).jobs.length);
      await delay(20);
    }
    assert.deepEqual(
      names.filter((n) => latest.get(n) !== 1),
      [],
      'every job was seen complete after a report',
    );
  }));

test('a new folder is reported again later with no further events (chokidar can miss its first files)', () =>
  withWatcher(async (jobs, rec) => {
    const since = Date.now();
    await fs.mkdir(`${jobs}/quiet`);
    const first = await rec.waitFor('quiet', since, 1000);
    // A second report at least 200 ms after the first: only the re-check after addDir sends one.
    await rec.waitFor('quiet', since + first + 200, 1500);
  }));

test('edit, rename and removal are reported, PyCron at-folders included', () =>
  withWatcher(async (jobs, rec) => {
    await writeTree(jobs, { 'a/schedule': '@hourly\n', 'a/run.sh': exec(), '5min/at0030/': '' });
    await rec.waitFor('a', 0, 2000);
    await rec.waitFor('5min', 0, 2000);

    let since = Date.now();
    await fs.appendFile(`${jobs}/a/run.sh`, 'echo more\n');
    await rec.waitFor('a', since, 1000);

    since = Date.now();
    await fs.writeFile(`${jobs}/5min/at0030/x.sh`, '#!/bin/sh\n');
    await rec.waitFor('5min', since, 1000);

    since = Date.now();
    await fs.rename(`${jobs}/a`, `${jobs}/b`);
    await rec.waitFor('a', since, 1000);
    await rec.waitFor('b', since, 1000);

    since = Date.now();
    await fs.rm(`${jobs}/b`, { recursive: true });
    await rec.waitFor('b', since, 1000);
  }));

test('a file rewritten in place (echo x > jobs/a/schedule) is reported', () =>
  withWatcher(
    async (jobs, rec) => {
      const since = Date.now();
      await run('sh', ['-c', 'echo "@daily" > a/schedule'], { cwd: jobs });
      await rec.waitFor('a', since, 1000);
      assert.deepEqual(
        rec.reports.map((r) => r.entry),
        ['a'],
      );
    },
    { 'a/schedule': '@hourly\n', 'a/run.sh': exec() },
  ));

test('a new at-folder in a PyCron folder, and files written into it later, are reported', () =>
  withWatcher(
    async (jobs, rec) => {
      let since = Date.now();
      await fs.mkdir(`${jobs}/5min/at0030`);
      await rec.waitFor('5min', since, 1000);
      await rec.waitQuiet(QUIET_MS);

      since = Date.now();
      await fs.writeFile(`${jobs}/5min/at0030/x.sh`, '#!/bin/sh\n');
      await rec.waitFor('5min', since, 1000);

      since = Date.now() + 150; // past the debounce of the write above
      await delay(150);
      await run('sh', ['-c', 'echo "echo more" >> 5min/at0030/x.sh'], { cwd: jobs });
      await rec.waitFor('5min', since, 1000);
      assert.deepEqual([...new Set(rec.reports.map((r) => r.entry))], ['5min']);
    },
    { '5min/': '' },
  ));

test('a job folder removed then re-created with the same name is reported both times and watched again', () =>
  withWatcher(
    async (jobs, rec) => {
      let since = Date.now();
      await fs.rm(`${jobs}/a`, { recursive: true });
      await rec.waitFor('a', since, 1000);

      since = Date.now();
      await writeTree(jobs, { 'a/schedule': '@hourly\n', 'a/run.sh': exec() });
      await rec.waitFor('a', since, 1000);
      await rec.waitQuiet(QUIET_MS);
      since = Date.now();
      await run('sh', ['-c', 'echo "@daily" > a/schedule'], { cwd: jobs });
      await rec.waitFor('a', since, 1000);

      // Removed and re-created within one event-loop turn: no listing ever misses 'a', yet its watch must move to
      // the new folder.
      rmSync(`${jobs}/a`, { recursive: true });
      mkdirSync(`${jobs}/a`);
      writeFileSync(`${jobs}/a/schedule`, '@hourly\n');
      await rec.waitQuiet(QUIET_MS);
      since = Date.now();
      await run('sh', ['-c', 'echo "@daily" > a/schedule'], { cwd: jobs });
      await rec.waitFor('a', since, 1000);

      // Replaced in one rename (an editor or deploy tool swapping folders): same again.
      await writeTree(jobs, { 'a.new/schedule': '@hourly\n' });
      await fs.rm(`${jobs}/a/schedule`);
      await run('mv', ['-T', 'a.new', 'a'], { cwd: jobs });
      await rec.waitQuiet(QUIET_MS);
      since = Date.now();
      await run('sh', ['-c', 'echo "@daily" > a/schedule'], { cwd: jobs });
      await rec.waitFor('a', since, 1000);
    },
    { 'a/schedule': '@hourly\n', 'a/run.sh': exec() },
  ));

test('hidden files and editor leftovers are not reported', () =>
  withWatcher(async (jobs, rec) => {
    await writeTree(jobs, { 'a/schedule': '@hourly\n', 'b/': '' });
    await rec.waitFor('b', 0, 2000);
    // The new folders' own re-checks (~300 ms and ~1 s on) must be over, or they count as reports of the change.
    await rec.waitQuiet(QUIET_MS);
    const since = Date.now();
    await writeTree(jobs, { 'a/.run.sh.swp': 'x', 'a/run.sh~': 'x', 'a/#run.sh#': 'x', '.trash/x': 'x' });
    await fs.writeFile(`${jobs}/b/run.sh`, 'x');
    await rec.waitFor('b', since, 1000);
    await delay(150); // one debounce period more, so a report for 'a' would have arrived
    assert.deepEqual(
      rec.reports.filter((r) => r.at >= since).map((r) => r.entry),
      ['b'],
    );
  }));

test('a jobs folder deleted and recreated is watched again', () =>
  withWatcher(async (jobs, rec) => {
    await fs.rm(jobs, { recursive: true });
    await rec.waitFor(ALL_ENTRIES, 0, 2500); // gone: rescan (everything is removed)

    const since = Date.now();
    await fs.mkdir(jobs);
    await writeTree(jobs, { 'n/schedule': '@hourly\n', 'n/run.sh': exec() });
    const took = await rec.waitFor('n', since, 2500, [ALL_ENTRIES]);
    assert.ok(took < 2500);

    // The new folder has a live watch: a later edit is reported by name.
    const end = Date.now() + 3000;
    let reported = false;
    while (!reported && Date.now() < end) {
      const at = Date.now();
      await fs.appendFile(`${jobs}/n/run.sh`, 'echo again\n');
      await delay(300);
      reported = rec.reports.some((r) => r.at >= at && r.entry === 'n');
    }
    assert.ok(reported, 'an edit in the recreated folder was reported');
  }));

test('a jobs folder that appears after start is reported as a whole', async () => {
  const temp = await makeTempJobs();
  const rec = new Recorder();
  const later = `${temp.root}/later`;
  const watcher = watchJobsFolder(later, rec);
  try {
    await watcher.ready;
    const since = Date.now();
    await fs.mkdir(later);
    await rec.waitFor(ALL_ENTRIES, since, 2500);
  } finally {
    await watcher.close();
    await temp.cleanup();
  }
});

test('a throwing handler is reported and does not stop the watcher', async () => {
  const temp = await makeTempJobs();
  const rec = new Recorder();
  let calls = 0;
  const watcher = watchJobsFolder(temp.jobs, {
    onEntryChanged: (entry) => {
      calls++;
      if (calls === 1) throw new Error('boom');
      rec.onEntryChanged(entry);
    },
    onError: rec.onError,
  });
  try {
    await watcher.ready;
    await fs.mkdir(`${temp.jobs}/first`);
    const end = Date.now() + 1000;
    while (rec.errors.length === 0 && Date.now() < end) await delay(10);
    assert.deepEqual(rec.errors, [
      {
        severity: 'error',
        code: 'INTERNAL',
        path: temp.jobs,
        message: 'a jobs-folder change handler failed: Error: boom',
      },
    ]);
    const since = Date.now();
    await fs.mkdir(`${temp.jobs}/second`);
    await rec.waitFor('second', since, 1000);
  } finally {
    await watcher.close();
    await temp.cleanup();
  }
});

test('ENOSPC says to raise the inotify limit and that the rescan still runs', () => {
  const error = Object.assign(new Error("ENOSPC: System limit for number of file watchers reached, watch '/j/a'"), {
    code: 'ENOSPC',
  });
  assert.deepEqual(describeWatchError('/j', error), {
    severity: 'error',
    code: 'WATCH_FAILED',
    path: '/j',
    message:
      "cannot watch for changes: the system's inotify watch limit is reached (ENOSPC: System limit for number of file watchers reached, watch '/j/a'); raise fs.inotify.max_user_watches (e.g. sysctl fs.inotify.max_user_watches=524288); until then the periodic rescan still picks up changes",
  });
  assert.deepEqual(
    describeWatchError('/j', new Error('EACCES: permission denied')).message,
    'cannot watch for changes (EACCES: permission denied); the periodic rescan still picks up changes',
  );
});
