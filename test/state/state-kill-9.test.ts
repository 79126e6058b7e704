import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { JsonFileStateStore } from '../../src/state/json-file-state-store.ts';

const CHILD = path.join(import.meta.dirname, 'save-in-loop.ts');

test('20 kill -9 at random moments during saves leave a readable state file every time', async () => {
  const dir = await fsp.mkdtemp(os.tmpdir() + '/pycron-');
  try {
    const file = path.join(dir, 'state.json');
    let previous = 0;
    for (let kill = 0; kill < 20; kill++) {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      assert.equal(chunk.toString(), 'ready\n');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 60));
      child.kill('SIGKILL');
      await once(child, 'exit');
      const { state, warning } = await new JsonFileStateStore(file).load();
      assert.equal(warning, undefined, `after kill ${kill + 1}`);
      const counter = state.jobs['counter']?.failures ?? 0;
      assert.ok(counter >= previous, `the counter went back from ${previous} to ${counter}`);
      previous = counter;
    }
    assert.ok(previous > 0, 'no save ever reached the disk');
    const leftovers = (await fsp.readdir(dir)).filter((name) => name !== 'state.json');
    assert.deepEqual(
      leftovers.filter((name) => name.includes('corrupt')),
      [],
    );
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});
