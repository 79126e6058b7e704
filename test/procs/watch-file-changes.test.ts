import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { watchFileChanges, type FileChangeWatch } from '../../src/procs/watch-file-changes.ts';
import { waitUntil } from './wait-until.ts';

const DEBOUNCE_MS = 40;
/** Long enough for a debounced change to have been reported, had there been one. */
const QUIET_MS = DEBOUNCE_MS * 4;

let tmp: string;
before(async () => {
  tmp = await realpath(await mkdtemp(os.tmpdir() + '/pycron-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function watchAll(files: string[], pollMs = 60_000) {
  const changes: string[] = [];
  const errors: string[] = [];
  const watch: FileChangeWatch = watchFileChanges(files, {
    onChange: (file) => changes.push(file),
    onError: (message) => errors.push(message),
    debounceMs: DEBOUNCE_MS,
    pollMs,
  });
  return { changes, errors, watch };
}

describe('rule 6, procs: watchFileChanges (restart_on_change / hup_on_change)', { timeout: 10_000 }, () => {
  it('an editor-style save (write a temp file, rename it over) is one change', async () => {
    const file = path.join(tmp, 'tor.rc');
    writeFileSync(file, 'a\n');
    const w = watchAll([file]);
    try {
      await sleep(QUIET_MS); // the check scheduled when the watch was armed finds nothing new
      writeFileSync(`${file}.swp`, 'b\n');
      renameSync(`${file}.swp`, file);
      await waitUntil(() => w.changes.length > 0);
      await sleep(QUIET_MS);
      assert.deepEqual(w.changes, [file]);
    } finally {
      w.watch.close();
    }
  });

  it('a burst of in-place writes is one change; other files in the folder are ignored', async () => {
    const file = path.join(tmp, 'burst.conf');
    writeFileSync(file, '');
    const w = watchAll([file]);
    try {
      for (let i = 0; i < 5; i++) {
        appendFileSync(file, `line ${i}\n`);
        writeFileSync(path.join(tmp, 'unrelated.txt'), String(i));
      }
      await waitUntil(() => w.changes.length > 0);
      await sleep(QUIET_MS);
      assert.deepEqual(w.changes, [file]);
    } finally {
      w.watch.close();
    }
  });

  it('an event without a real change (chmod) is not a change', async () => {
    const file = path.join(tmp, 'same.conf');
    writeFileSync(file, 'x');
    const w = watchAll([file]);
    try {
      chmodSync(file, 0o600);
      await sleep(QUIET_MS * 2);
      assert.deepEqual(w.changes, []);
    } finally {
      w.watch.close();
    }
  });

  it('a missing file is no error; its creation is a change, its removal is not', async () => {
    const file = path.join(tmp, 'later.conf');
    const w = watchAll([file]);
    try {
      await sleep(QUIET_MS);
      assert.deepEqual(w.changes, []);
      writeFileSync(file, 'here');
      await waitUntil(() => w.changes.length === 1);
      rmSync(file);
      await sleep(QUIET_MS);
      assert.deepEqual(w.changes, [file]);
      assert.deepEqual(w.errors, []);
    } finally {
      w.watch.close();
    }
  });

  it('a folder created later is picked up by the poll', async () => {
    const folder = path.join(tmp, 'not-yet');
    const file = path.join(folder, 'app.conf');
    const w = watchAll([file], 50);
    try {
      mkdirSync(folder);
      writeFileSync(file, 'v1');
      await waitUntil(() => w.changes.length === 1);
      await sleep(120); // the poll arms the folder's watch
      writeFileSync(`${file}.tmp`, 'v2');
      renameSync(`${file}.tmp`, file);
      await waitUntil(() => w.changes.length === 2);
      assert.deepEqual(w.errors, []);
    } finally {
      w.watch.close();
    }
  });

  it('after close(), changes are not reported', async () => {
    const file = path.join(tmp, 'closed.conf');
    writeFileSync(file, '1');
    const w = watchAll([file], 20);
    w.watch.close();
    writeFileSync(file, '22');
    await sleep(QUIET_MS);
    assert.deepEqual(w.changes, []);
  });
});
