// cluster: issue 6's chaos run, longer than the test's (3 instances, 20 jobs every second, kill -9 of a random
// instance every 3-6 s and a restart), reporting failover time p50/p99 (kill -> the dead instance's lease found run
// out and its running firings taken over) and what ran; then the claim throughput of PostgreSQL on this machine:
// three instances claiming distinct firings as fast as they can. Baseline for the claims: the bare INSERT ... ON
// CONFLICT DO NOTHING of the same row, without the transaction and the per-job lock.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgClusterStore } from '../../src/cluster/pg-cluster-store.ts';
import { createTestSchema } from '../../test/cluster/cluster-database.ts';
import { runChaos } from '../../test/cluster/run-chaos.ts';
import type { BenchOptions, BenchResult } from './bench-result.ts';
import { describeSamples, round } from './stats.ts';

export async function cluster(options: BenchOptions): Promise<BenchResult> {
  const chaosMs = options.quick ? 40_000 : 180_000;
  const schema = await createTestSchema('bench_chaos');
  const root = mkdtempSync(join(tmpdir(), 'pycron-bench-chaos-'));
  try {
    options.log(`cluster: chaos for ${chaosMs / 1000} s (3 instances, 20 jobs every second, kill -9 every 3-6 s)`);
    const report = await runChaos({
      root,
      schema: schema.name,
      instances: 3,
      jobs: 20,
      chaosMs,
      killEveryMs: [3_000, 6_000],
      downMs: 1_000,
      runMs: 300,
      log: (message) => options.log(`cluster: ${message}`),
    });
    const failovers = report.kills.flatMap((kill) => (kill.failoverMs === undefined ? [] : [kill.failoverMs]));
    const failover = describeSamples(failovers);
    const unexplained = report.passedOver.filter((slot) => slot.because === undefined).length;
    options.log(`cluster: ${report.kills.length} kills, failover p50 ${failover.p50} ms, p99 ${failover.p99} ms`);
    const claims = await measureClaims(options);
    return {
      name: 'cluster',
      rows: [
        {
          measurement: `failover after kill -9 (${failovers.length} kills), p50`,
          figure: failover.p50,
          unit: 'ms',
          baseline: null,
          baselineLabel: 'Kubernetes CronJob ~15 s, Cronicle 60 s (issue 6)',
          target: '≤ 2000 ms',
          met: failover.p50 <= 2000,
          pycron: 'PyCron: one host, no failover',
        },
        {
          measurement: 'failover after kill -9, p99',
          figure: failover.p99,
          unit: 'ms',
          baseline: null,
          baselineLabel: 'lease 1.5 s + one heartbeat (0.3 s)',
          target: '≤ 2000 ms',
          met: failover.p99 <= 2000,
          pycron: '',
        },
        {
          measurement: 'slots run twice / lost / passed over, unexplained (chaos)',
          figure: report.duplicates.length + report.lost.length + unexplained,
          unit: 'slots',
          baseline: null,
          baselineLabel: `of ${report.executions} runs executed`,
          target: '0',
          met: report.duplicates.length + report.lost.length + unexplained === 0 && report.stillRunning === 0,
          pycron: '',
        },
        {
          measurement: 'claims per second, 3 instances',
          figure: claims.claimsPerSecond,
          unit: '/s',
          baseline: claims.bareInsertsPerSecond,
          baselineLabel: 'bare INSERT ON CONFLICT, same concurrency',
          target: '≥ 200/s (10× the chaos load)',
          met: claims.claimsPerSecond >= 200,
          pycron: '',
        },
      ],
      details: {
        chaosMs,
        kills: report.kills,
        failover,
        executions: report.executions,
        byStatus: report.byStatus,
        duplicates: report.duplicates,
        lost: report.lost,
        collapsedByStalls: report.collapsed.length,
        passedOverByReason: {
          overrun: report.passedOver.filter((slot) => slot.because === 'overrun').length,
          failover: report.passedOver.filter((slot) => slot.because === 'failover').length,
          unexplained,
        },
        stillRunning: report.stillRunning,
        claimedFiringsPerSecondInChaos: round(report.claimedPerSecond),
        claims,
      },
    };
  } finally {
    await schema.drop();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Three stores (a pool each) claim distinct firings, 8 at a time each, for a few seconds. */
async function measureClaims(options: BenchOptions) {
  const seconds = options.quick ? 3 : 8;
  const schema = await createTestSchema('bench_claims');
  try {
    await schema.migrate();
    const stores = [0, 1, 2].map(() => new PgClusterStore(schema.open()));
    const members = stores.map((_, i) => ({
      incarnation: randomUUID(),
      instanceId: `bench-${i}`,
      host: 'bench',
      pid: process.pid,
      version: '0',
      leaseMs: 1500,
    }));
    for (const [i, me] of members.entries()) await stores[i]!.register(me);
    let next = 0;
    let claims = 0;
    const deadline = Date.now() + seconds * 1000;
    const claimer = async (i: number): Promise<void> => {
      while (Date.now() < deadline) {
        const n = next++;
        await stores[i]!.claim(members[i]!, {
          job: `job${n % 20}`,
          scheduledAt: 1_800_000_000_000 + n * 1000,
          retry: false,
          attempt: 1,
          reason: 'schedule',
          runId: randomUUID(),
          exclusive: false,
          claimedAt: Date.now(),
          recordPassOver: true,
        });
        claims++;
      }
    };
    const started = Date.now();
    await Promise.all(stores.flatMap((_, i) => Array.from({ length: 8 }, () => claimer(i))));
    const claimsPerSecond = round(claims / ((Date.now() - started) / 1000));

    const db = schema.open();
    await db.query(`CREATE TABLE bare (job text, scheduled_at bigint, PRIMARY KEY (job, scheduled_at))`);
    let inserts = 0;
    let bareNext = 0;
    const bareDeadline = Date.now() + seconds * 1000;
    const inserter = async (): Promise<void> => {
      while (Date.now() < bareDeadline) {
        const n = bareNext++;
        await db.query(`INSERT INTO bare VALUES ($1, $2) ON CONFLICT DO NOTHING`, [`job${n % 20}`, n]);
        inserts++;
      }
    };
    const bareStarted = Date.now();
    await Promise.all(Array.from({ length: 24 }, () => inserter()));
    const bareInsertsPerSecond = round(inserts / ((Date.now() - bareStarted) / 1000));
    options.log(`cluster: ${claimsPerSecond} claims/s (bare inserts: ${bareInsertsPerSecond}/s)`);
    return { seconds, concurrency: 24, claimsPerSecond, bareInsertsPerSecond };
  } finally {
    await schema.drop();
  }
}
