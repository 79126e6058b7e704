// Issue 6's chaos test: 3 instances, 20 jobs every second, kill -9 of a random instance every few seconds and a
// restart. No slot runs twice, none is lost outside the failover window, and every interrupted run is recorded.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestSchema, type TestSchema } from './cluster-database.ts';
import { runChaos } from './run-chaos.ts';

describe('cluster chaos (3 instances, kill -9, real PostgreSQL)', () => {
  let schema: TestSchema;
  let root: string;
  before(async () => {
    schema = await createTestSchema('chaos');
    root = mkdtempSync(join(tmpdir(), 'pycron-chaos-'));
  });
  after(async () => {
    await schema?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('runs each slot once, loses none outside the failover window, and records every interrupted run', async () => {
    const report = await runChaos({
      root,
      schema: schema.name,
      instances: 3,
      jobs: 20,
      chaosMs: 36_000,
      killEveryMs: [3_000, 6_000],
      downMs: 1_000,
      runMs: 300,
    });
    const logs = () => report.instances.map((instance) => `--- ${instance.name}\n${instance.allLogs()}`).join('\n');
    const summary = JSON.stringify({ ...report, instances: undefined, passedOver: report.passedOver.slice(0, 20) });
    assert.ok(report.kills.length >= 4, `only ${report.kills.length} kills`);
    assert.deepEqual(report.duplicates, [], `slots that ran twice; ${summary}`);
    assert.deepEqual(report.lost, [], `slots with no firing at all; ${summary}`);
    assert.deepEqual(
      report.passedOver.filter((slot) => slot.because === undefined),
      [],
      `slots passed over with no run in progress and outside a failover window; ${summary}`,
    );
    assert.equal(report.stillRunning, 0, `firings left marked running; ${summary}\n${logs()}`);
    assert.deepEqual(report.unrecorded, [], `runs that executed but are not recorded as run; ${summary}`);
    assert.ok((report.byStatus.interrupted ?? 0) >= 1, `no kill interrupted a run; ${summary}`);
    assert.ok(report.executions >= 20 * 30, `only ${report.executions} runs executed; ${summary}`);
    for (const kill of report.kills) {
      assert.ok(kill.failoverMs !== undefined, `the kill of ${kill.instance} was never taken over; ${summary}`);
    }
  });
});
