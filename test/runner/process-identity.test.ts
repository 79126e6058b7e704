import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import {
  isGroupAlive,
  isSameProcess,
  readBootId,
  readProcessEnvVar,
  readProcessStartTicks,
  readProcessStat,
} from '../../src/runner/process-identity.ts';
import { fixture, killGroup } from './process-checks.ts';

const children: ChildProcess[] = [];
let tmp: string;

function start(file: string, env: Record<string, string> = {}): ChildProcess & { pid: number } {
  const child = spawn(file, [], { detached: true, stdio: 'ignore', env: { ...process.env, ...env } });
  children.push(child);
  assert.ok(child.pid);
  return child as ChildProcess & { pid: number };
}

before(async () => {
  tmp = await mkdtemp(os.tmpdir() + '/pycron-');
});
after(async () => {
  for (const child of children) killGroup(child.pid);
  await rm(tmp, { recursive: true, force: true });
});

describe('process identity', () => {
  it('reads a boot id shaped like a UUID, the same each time', () => {
    const id = readBootId();
    assert.match(id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(readBootId(), id);
  });

  it("reads a child's start ticks, stable while it runs, and later than our own", () => {
    const child = start(fixture('forever.sh'));
    const ticks = readProcessStartTicks(child.pid);
    const ours = readProcessStartTicks(process.pid);
    assert.ok(ticks !== undefined && ours !== undefined);
    assert.ok(ticks >= ours);
    assert.equal(readProcessStartTicks(child.pid), ticks);
    assert.equal(isSameProcess(child.pid, ticks), true);
    assert.equal(isSameProcess(child.pid, ticks + 1), false, 'another start time is another process');
  });

  it('parses a command name holding spaces and parentheses', async () => {
    const file = `${tmp}/we ird) (name`;
    await copyFile(fixture('forever.sh'), file);
    const child = start(file);
    // The kernel keeps the first 15 bytes of the name: "we ird) (name" fits; the stat line has ") (" inside it.
    const stat = readProcessStat(child.pid);
    assert.ok(stat, 'stat parsed');
    assert.equal(stat.pgrp, child.pid);
    assert.match(stat.state, /^[RSD]$/);
    assert.equal(stat.startTicks, readProcessStartTicks(child.pid));
  });

  it("reads a variable from a child's environment", () => {
    const child = start(fixture('forever.sh'), { PYCRON_RUN_ID: 'run-42', PYCRON_EMPTY: '' });
    assert.equal(readProcessEnvVar(child.pid, 'PYCRON_RUN_ID'), 'run-42');
    assert.equal(readProcessEnvVar(child.pid, 'PYCRON_EMPTY'), '');
    assert.equal(readProcessEnvVar(child.pid, 'PYCRON_RUN'), undefined, 'a prefix of a name is not the name');
  });

  it('a detached child is a live group until it has exited', async () => {
    const child = start(fixture('forever.sh'));
    const ticks = readProcessStartTicks(child.pid) ?? -1;
    assert.equal(isGroupAlive(child.pid), true);
    process.kill(-child.pid, 'SIGKILL');
    await once(child, 'exit');
    // SIGKILL reaches the group's other member (sleep) a moment later; zombies left for init must not count.
    const deadline = Date.now() + 2000;
    while (isGroupAlive(child.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(isGroupAlive(child.pid), false);
    assert.equal(isSameProcess(child.pid, ticks), false);
    assert.equal(readProcessStartTicks(child.pid), undefined);
    assert.equal(readProcessEnvVar(child.pid, 'PATH'), undefined);
  });

  it('answers false/undefined, never throws, for pids that cannot be ours', () => {
    for (const pid of [0, 1, -5, 1.5, Number.NaN, 2 ** 22 + 12345]) {
      assert.equal(isGroupAlive(pid), false, `isGroupAlive(${pid})`);
      assert.equal(isSameProcess(pid, 0), false);
      assert.equal(readProcessStat(pid), undefined);
      assert.equal(readProcessEnvVar(pid, 'PATH'), undefined);
    }
  });
});
