import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { terminateGroup } from '../../src/runner/terminate-group.ts';
import { fixture, isProcessGone, killGroup } from './process-checks.ts';

const GRACE_MS = 300;
const started: number[] = [];

/** Starts a fixture as its own group, as the runner does, and waits for its first line (its trap is set by then). */
async function startGroup(name: string): Promise<{ pid: number; firstLine: string }> {
  const child = spawn(fixture(name), [], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  assert.ok(child.pid);
  started.push(child.pid);
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  child.stdout.destroy();
  return { pid: child.pid, firstLine: chunk.toString().split('\n')[0] ?? '' };
}

after(() => started.forEach(killGroup));

describe('terminateGroup', { timeout: 10_000 }, () => {
  it('SIGTERM is enough for a group that obeys it, grandchild included', async () => {
    const { pid, firstLine } = await startGroup('spawns-grandchild.sh');
    const grandchild = Number(firstLine);
    const begun = Date.now();
    assert.deepEqual(await terminateGroup(pid, GRACE_MS), { forced: false });
    assert.ok(Date.now() - begun < GRACE_MS, 'did not wait out the grace');
    assert.equal(isProcessGone(pid), true);
    assert.equal(isProcessGone(grandchild), true);
  });

  it('SIGKILL after the grace for a group that ignores SIGTERM', async () => {
    const { pid } = await startGroup('ignore-sigterm.sh');
    const begun = Date.now();
    assert.deepEqual(await terminateGroup(pid, GRACE_MS), { forced: true });
    assert.ok(Date.now() - begun >= GRACE_MS);
    assert.equal(isProcessGone(pid), true);
  });

  it('a group already gone, and pids that must never be signalled, resolve at once', async () => {
    const { pid } = await startGroup('forever.sh');
    process.kill(-pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(await terminateGroup(pid, GRACE_MS), { forced: false });
    // -0 would be our own group and -1 every process we may signal: if these signalled, this test would die.
    for (const bad of [0, 1, -1, Number.NaN]) assert.deepEqual(await terminateGroup(bad, GRACE_MS), { forced: false });
  });
});
