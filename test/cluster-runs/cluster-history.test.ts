// The run history of a real two-instance cluster (real PostgreSQL, real processes, real HTTP): either instance's
// API lists the runs of both, each once and with the instance that ran it, serves a run of the other with its
// output, and shows the other's runs in a job's strip of recent runs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHttpCluster, type HttpCluster } from '../cluster/http-cluster.ts';
import type { ClusterInstance } from '../cluster/cluster-instances.ts';
import { checkSchema } from '../http/check-schema.ts';
import { readStatusRecords } from '../support/cli-process.ts';

const document = JSON.parse(readFileSync(new URL('../../src/http/openapi.json', import.meta.url), 'utf8')) as unknown;

interface Entry {
  run_id: string;
  job: string;
  instance_id: string;
  ok: boolean;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200, `${url}: ${response.status}`);
  return (await response.json()) as T;
}

function ownRunIds(instance: ClusterInstance, job: string): string[] {
  return readStatusRecords(join(instance.folder, 'logs'))
    .filter((record) => record.job === job)
    .map((record) => String(record.run_id));
}

describe('cluster run history (real PostgreSQL, two instances)', () => {
  let cluster: HttpCluster;
  let instances: ClusterInstance[] = [];
  let urls: string[] = [];
  before(async () => {
    cluster = await startHttpCluster({
      prefix: 'history',
      token: 'cluster-history-token',
      jobs: [
        { name: 'beat', schedule: 'every 1s', script: 'echo "beat on $(basename "$(dirname "$(dirname "$PWD")")")"' },
      ],
    });
    ({ instances, urls } = cluster);
  });
  after(async () => {
    await cluster?.close();
  });

  it("lists both instances' runs on either, each once, serves the other's run with its output, and fills the strip", async () => {
    // Wait until each instance has run beat at least twice (who wins a slot is up to the claims).
    const deadline = Date.now() + 30_000;
    while (instances.some((instance) => ownRunIds(instance, 'beat').length < 2)) {
      assert.ok(Date.now() < deadline, 'both instances did not run beat twice within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const [mine, theirs] = instances.map((instance) => ownRunIds(instance, 'beat')) as [string[], string[]];
    const theirRun = theirs[0]!;

    // node1's API, asked after the runs were written (a run reaches the database within moments).
    let runs: Entry[];
    const until = Date.now() + 10_000;
    for (;;) {
      runs = (await getJson<{ runs: Entry[] }>(`${urls[0]}/api/v1/runs?job=beat&limit=1000`)).runs;
      const ids = new Set(runs.map((run) => run.run_id));
      if ([...mine, ...theirs].every((id) => ids.has(id))) break;
      assert.ok(Date.now() < until, `node1 lists ${runs.length} runs, not all of node1's and node2's`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(new Set(runs.map((run) => run.run_id)).size, runs.length, 'a run is listed twice');
    for (const run of runs) assert.deepEqual(checkSchema(run, { $ref: '#/components/schemas/RunEntry' }, document), []);
    const ranOn = new Map(runs.map((run) => [run.run_id, run.instance_id]));
    assert.ok(mine.every((id) => ranOn.get(id) === 'node1'));
    assert.ok(theirs.every((id) => ranOn.get(id) === 'node2'));
    const ended = runs.map((run) => Date.parse((run as unknown as { ended_at: string }).ended_at));
    assert.deepEqual(
      ended,
      [...ended].sort((a, b) => b - a),
      'not newest first',
    );

    // One run of node2, asked of node1: its whole record, output included.
    const record = await getJson<{ run_id: string; output: string; job: string }>(`${urls[0]}/api/v1/runs/${theirRun}`);
    assert.equal(record.run_id, theirRun);
    assert.equal(record.output, 'beat on node2\n');

    // The job's strip on node1 shows node2's runs too.
    const job = await getJson<{ recent_runs: { run_id: string }[] }>(`${urls[0]}/api/v1/jobs/beat`);
    const strip = new Set(job.recent_runs.map((run) => run.run_id));
    assert.ok(
      theirs.some((id) => strip.has(id)),
      'no run of node2 in the strip of node1',
    );
    assert.ok(
      mine.some((id) => strip.has(id)),
      'no run of node1 in its own strip',
    );
    assert.deepEqual(await Promise.all(instances.map((instance) => instance.stop())), [0, 0]);
  });
});
