import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { JsonFileStateStore } from '../../src/state/json-file-state-store.ts';
import type { StateFileSystem } from '../../src/state/json-file-state-store.ts';
import type { ServiceState } from '../../src/state/job-state.ts';
import type { PycronError } from '../../src/errors.ts';

async function withFolder(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await fsp.mkdtemp(os.tmpdir() + '/pycron-');
  try {
    await fn(dir);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

function stateWith(failures: number): ServiceState {
  return {
    version: 1,
    jobs: {
      backup: {
        failures,
        lastSlotAt: Date.parse('2026-11-23T02:30:00Z'),
        nextDueAt: Date.parse('2026-11-24T02:30:00Z'),
        lastRun: { runId: 'r1', scheduledAt: 1, startedAt: 2, endedAt: 3, exitCode: null, ok: false },
        inFlight: [
          {
            runId: 'r2',
            scheduledAt: 4,
            reason: 'retry',
            attempt: 2,
            startedAt: 5,
            pid: 4242,
            pidStartTicks: 99,
          },
        ],
      },
    },
  };
}

/** Wraps the real fs, counting renames and failing them while `failRenames` is set. */
function countingFs(): { fs: StateFileSystem; renames: () => number; setFail: (on: boolean) => void } {
  let renames = 0;
  let fail = false;
  const fs: StateFileSystem = {
    ...fsp,
    rename: async (from, to) => {
      if (fail) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      renames++;
      return fsp.rename(from, to);
    },
  };
  return { fs, renames: () => renames, setFail: (on) => void (fail = on) };
}

test('a saved state loads back the same', async () => {
  await withFolder(async (dir) => {
    const file = path.join(dir, 'state.json');
    const store = new JsonFileStateStore(file);
    store.save(stateWith(3));
    await store.flush();
    const loaded = await new JsonFileStateStore(file).load();
    assert.deepEqual(loaded, { state: stateWith(3) });
  });
});

test('a missing file is an empty state without a warning', async () => {
  await withFolder(async (dir) => {
    const loaded = await new JsonFileStateStore(path.join(dir, 'none.json')).load();
    assert.deepEqual(loaded, { state: { version: 1, jobs: {} } });
  });
});

test('a burst of 100 saves becomes a few writes, and the last state wins', async () => {
  await withFolder(async (dir) => {
    const file = path.join(dir, 'state.json');
    const spy = countingFs();
    const store = new JsonFileStateStore(file, { fs: spy.fs });
    for (let i = 1; i <= 100; i++) store.save(stateWith(i));
    await store.flush();
    assert.ok(spy.renames() >= 1 && spy.renames() <= 2, `renames: ${spy.renames()}`);
    assert.equal(JSON.parse(await fsp.readFile(file, 'utf8')).jobs.backup.failures, 100);
  });
});

test('saves during a write are written after it, without waiting for a flush', async () => {
  await withFolder(async (dir) => {
    const file = path.join(dir, 'state.json');
    const spy = countingFs();
    const store = new JsonFileStateStore(file, { fs: spy.fs, coalesceMs: 5 });
    store.save(stateWith(1));
    await new Promise((resolve) => setTimeout(resolve, 6)); // the first write has started
    store.save(stateWith(2));
    for (let waited = 0; waited < 2000 && spy.renames() < 2; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(spy.renames(), 2);
    assert.equal(JSON.parse(await fsp.readFile(file, 'utf8')).jobs.backup.failures, 2);
  });
});

test('flush writes a pending save at once, and is immediate when nothing is pending', async () => {
  await withFolder(async (dir) => {
    const file = path.join(dir, 'state.json');
    const store = new JsonFileStateStore(file, { coalesceMs: 60_000 });
    store.save(stateWith(7));
    await store.flush(); // would hang for a minute if flush waited for the coalescing timer
    assert.equal(JSON.parse(await fsp.readFile(file, 'utf8')).jobs.backup.failures, 7);
    const started = performance.now();
    await store.flush();
    assert.ok(performance.now() - started < 5);
  });
});

test('the parent folder is created when missing', async () => {
  await withFolder(async (dir) => {
    const file = path.join(dir, 'a', 'b', 'state.json');
    const store = new JsonFileStateStore(file);
    assert.deepEqual(await store.load(), { state: { version: 1, jobs: {} } });
    store.save(stateWith(1));
    await store.flush();
    assert.equal(JSON.parse(await fsp.readFile(file, 'utf8')).jobs.backup.failures, 1);
  });
});

test('a file that is not JSON is moved aside with a warning naming both paths', async () => {
  await withFolder(async (dir) => {
    const file = path.join(dir, 'state.json');
    await fsp.writeFile(file, '{"version":1,');
    const now = Date.parse('2026-11-23T08:00:00.123Z');
    const loaded = await new JsonFileStateStore(file, { now: () => now }).load();
    const aside = `${file}.corrupt-2026-11-23T08:00:00.123Z`;
    assert.deepEqual(loaded, {
      state: { version: 1, jobs: {} },
      warning:
        `State file ${file} is unusable (it is not valid JSON: Expected double-quoted property name in JSON at position 13); ` +
        `it was moved aside to ${aside} and the service starts with an empty state.`,
    });
    assert.equal(await fsp.readFile(aside, 'utf8'), '{"version":1,');
    await assert.rejects(fsp.access(file));
  });
});

test('a JSON file of the wrong shape is moved aside with the path of the bad value', async () => {
  await withFolder(async (dir) => {
    const file = path.join(dir, 'state.json');
    await fsp.writeFile(file, JSON.stringify({ version: 1, jobs: { backup: { failures: 'two' } } }));
    const now = Date.parse('2026-01-02T03:04:05.006Z');
    const loaded = await new JsonFileStateStore(file, { now: () => now }).load();
    assert.equal(
      loaded.warning,
      `State file ${file} is unusable (it is not a pycron state file: jobs.backup.failures: Invalid input: expected number, received string); ` +
        `it was moved aside to ${file}.corrupt-2026-01-02T03:04:05.006Z and the service starts with an empty state.`,
    );
    assert.deepEqual(loaded.state, { version: 1, jobs: {} });
  });
});

test('a temp file written but never renamed (a crash) leaves the old state readable, and is cleaned up', async () => {
  await withFolder(async (dir) => {
    const file = path.join(dir, 'state.json');
    const store = new JsonFileStateStore(file);
    store.save(stateWith(1));
    await store.flush();
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max: never a live process
    const temp = path.join(dir, `.state.json.tmp-${deadPid}`);
    await fsp.writeFile(temp, '{"version":1,"jobs":{"backup":{"fail');
    const loaded = await new JsonFileStateStore(file).load();
    assert.deepEqual(loaded, { state: stateWith(1) });
    await assert.rejects(fsp.access(temp));
  });
});

test('a failed write is reported, flush rejects, and the next save writes the latest state', async () => {
  await withFolder(async (dir) => {
    const file = path.join(dir, 'state.json');
    const spy = countingFs();
    const errors: PycronError[] = [];
    const store = new JsonFileStateStore(file, { fs: spy.fs, onError: (e) => errors.push(e) });
    spy.setFail(true);
    store.save(stateWith(1));
    await assert.rejects(store.flush(), { code: 'STATE_WRITE_FAILED' });
    assert.equal(errors.length, 1);
    assert.equal(
      errors[0]?.message,
      `${file}: the state could not be written (EIO: i/o error, rename); it will be tried again on the next save`,
    );
    spy.setFail(false);
    store.save(stateWith(2));
    await store.flush();
    assert.equal(JSON.parse(await fsp.readFile(file, 'utf8')).jobs.backup.failures, 2);
  });
});
