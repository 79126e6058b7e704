// The chaos run of issue 6, shared by the test (about a minute) and `npm run bench` (longer): N instances, M jobs
// every second, a random instance killed with kill -9 every few seconds and started again. Each job appends
// "slot run_id" to a file of its own, so what actually ran can be compared with what the database recorded.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PgDatabase } from '../../src/cluster/pg-database.ts';
import { TEST_DATABASE_URL } from './cluster-database.ts';
import { writeClusterInstances, type ClusterInstance } from './cluster-instances.ts';

export interface ChaosOptions {
  root: string;
  schema: string;
  instances: number;
  jobs: number;
  /** How long the killing goes on. */
  chaosMs: number;
  /** A kill every this many ms, drawn uniformly. */
  killEveryMs: readonly [number, number];
  /** How long a killed instance stays down before it is started again. */
  downMs: number;
  /** How long each run lasts (its script sleeps). */
  runMs: number;
  log?: (message: string) => void;
}

export interface Kill {
  instance: string;
  at: number;
  /** The incarnation killed. */
  incarnation?: string;
  /** Kill -> its lease found run out and its running firings taken over (by the database's ended_at). */
  failoverMs?: number;
}

export interface FiringOfRun {
  job: string;
  slot: number;
  reason: string;
  runId: string;
  instance: string;
  status: string;
  note: string | null;
  claimedAt: number;
  endedAt: number | null;
  /** When its end reached the database: until then it counted as running. */
  recordedAt: number | null;
}

export interface ChaosReport {
  leaseMs: number;
  /** Slots every instance had a chance at: from all joined + 2 s to the end of the chaos - 2 s. */
  window: { from: number; to: number };
  kills: Kill[];
  /** Runs that actually executed (lines written by the jobs). */
  executions: number;
  /** The same slot of a job executed more than once: "job slot (n times)". */
  duplicates: string[];
  /** Slots in the window with no firing recorded at all, and none that explains them. */
  lost: string[];
  /**
   * Slots with no firing of their own because the instance that planned them woke up late (a stall of more than a
   * period, on a loaded host) and ran one catch-up run for them, as catch_up = once says: the job's next firing
   * is a catch-up.
   */
  collapsed: string[];
  /**
   * Slots recorded as not run (released), and why that was right: a run of the job was in progress when the slot
   * was claimed (an overrun: never two at once), or it fell in a failover window after a kill.
   */
  passedOver: { what: string; because: 'overrun' | 'failover' | undefined }[];
  /** Firings still marked running when everything stopped. */
  stillRunning: number;
  byStatus: Record<string, number>;
  /** Executions with no firing recorded under their run id, or recorded as never run. */
  unrecorded: string[];
  claimedPerSecond: number;
  instances: ClusterInstance[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => {});
  const out = join(options.root, 'executions');
  mkdirSync(out, { recursive: true });
  const jobs = Array.from({ length: options.jobs }, (_, i) => {
    const name = `job${String(i + 1).padStart(2, '0')}`;
    return {
      name,
      schedule: 'every 1s',
      script: `echo "$PYCRON_SCHEDULED_AT $PYCRON_RUN_ID" >> "${join(out, name)}"\nsleep ${options.runMs / 1000}`,
    };
  });
  const instances = writeClusterInstances({
    root: options.root,
    schema: options.schema,
    instances: options.instances,
    jobs,
  });
  const db = new PgDatabase({ url: TEST_DATABASE_URL, schema: options.schema, onError: () => {} });
  const kills: Kill[] = [];
  try {
    await Promise.all(instances.map((instance) => instance.start()));
    const allJoined = Date.now();
    log(`${instances.length} instances joined`);
    const chaosEnds = allJoined + options.chaosMs;
    const [min, max] = options.killEveryMs;
    // Restarts go on in the background, so kills keep their rhythm; only an instance that is up is killed.
    const up = new Set(instances);
    const restarts: Promise<void>[] = [];
    while (Date.now() + min < chaosEnds) {
      await sleep(min + Math.random() * (max - min));
      const candidates = [...up];
      if (candidates.length < 2) continue;
      const victim = candidates[Math.floor(Math.random() * candidates.length)]!;
      const incarnation = await currentIncarnation(db, victim.name);
      const at = Date.now();
      await victim.crash();
      up.delete(victim);
      kills.push({ instance: victim.name, at, ...(incarnation ? { incarnation } : {}) });
      log(`kill -9 ${victim.name} at +${at - allJoined} ms`);
      restarts.push(
        sleep(options.downMs)
          .then(() => victim.start())
          .then(() => void up.add(victim)),
      );
    }
    await Promise.all(restarts);
    while (Date.now() < chaosEnds) await sleep(100);
    // Every instance alive for a few leases: the last victim's firings are taken over before the stop.
    const leaseMs = 1500;
    await sleep(3 * leaseMs);
    const codes = await Promise.all(instances.map((instance) => instance.stop()));
    if (codes.some((code) => code !== 0)) {
      const tails = instances
        .filter((_, i) => codes[i] !== 0)
        .map(
          (instance) =>
            `--- ${instance.name}, the end of its log:\n${instance.allLogs().split('\n').slice(-40).join('\n')}`,
        );
      throw new Error(`an instance did not stop cleanly: exit codes ${codes}\n${tails.join('\n')}`);
    }
    return await analyse(
      db,
      options,
      jobs.map((job) => job.name),
      out,
      kills,
      instances,
      leaseMs,
      {
        from: allJoined + 2000,
        to: chaosEnds - 2000,
      },
    );
  } finally {
    await Promise.all(instances.map((instance) => instance.crash().catch(() => {})));
    await db.close();
  }
}

async function currentIncarnation(db: PgDatabase, instance: string): Promise<string | undefined> {
  const rows = await db.query<{ incarnation: string }>(
    `SELECT incarnation FROM instances WHERE instance_id = $1 AND state = 'alive' ORDER BY started_at DESC LIMIT 1`,
    [instance],
  );
  return rows[0]?.incarnation;
}

async function analyse(
  db: PgDatabase,
  options: ChaosOptions,
  jobNames: string[],
  out: string,
  kills: Kill[],
  instances: ClusterInstance[],
  leaseMs: number,
  window: { from: number; to: number },
): Promise<ChaosReport> {
  const firings = (
    await db.query<{
      job: string;
      scheduled_at: string;
      reason: string;
      run_id: string;
      instance_id: string;
      status: string;
      note: string | null;
      claimed_at: string;
      ended_at: string | null;
      recorded_ms: number | null;
    }>(
      `SELECT job, scheduled_at, reason, run_id, instance_id, status, note, claimed_at, ended_at,
              (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_ms
         FROM firings`,
    )
  ).map((row): FiringOfRun => ({
    job: row.job,
    slot: Number(row.scheduled_at),
    reason: row.reason,
    runId: row.run_id,
    instance: row.instance_id,
    status: row.status,
    note: row.note,
    claimedAt: Number(row.claimed_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    recordedAt: row.recorded_ms,
  }));
  for (const kill of kills) {
    if (!kill.incarnation) continue;
    const rows = await db.query<{ ended_ms: number | null }>(
      `SELECT (extract(epoch FROM ended_at) * 1000)::float8 AS ended_ms FROM instances WHERE incarnation = $1`,
      [kill.incarnation],
    );
    const ended = rows[0]?.ended_ms;
    if (ended !== null && ended !== undefined) kill.failoverMs = Math.round(ended - kill.at);
  }

  const byRunId = new Map(firings.map((firing) => [firing.runId, firing]));
  const executions: { job: string; slot: number; runId: string }[] = [];
  for (const job of jobNames) {
    const file = join(out, job);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [slot, runId] = line.trim().split(' ');
      if (slot && runId) executions.push({ job, slot: Date.parse(slot), runId });
    }
  }
  const runsPerSlot = new Map<string, number>();
  for (const run of executions) {
    const key = `${run.job} ${new Date(run.slot).toISOString()}`;
    runsPerSlot.set(key, (runsPerSlot.get(key) ?? 0) + 1);
  }
  const duplicates = [...runsPerSlot].filter(([, n]) => n > 1).map(([key, n]) => `${key} (${n} times)`);
  const unrecorded = executions
    .filter((run) => {
      const firing = byRunId.get(run.runId);
      return !firing || firing.status === 'released' || firing.status === 'running';
    })
    .map((run) => `${run.job} ${new Date(run.slot).toISOString()} run ${run.runId}`);

  const recorded = new Map(firings.map((firing) => [`${firing.job} ${firing.slot}`, firing]));
  const lost: string[] = [];
  const collapsed: string[] = [];
  const firstSlot = Math.ceil(window.from / 1000) * 1000;
  for (const job of jobNames) {
    for (let slot = firstSlot; slot <= window.to; slot += 1000) {
      if (recorded.has(`${job} ${slot}`)) continue;
      let later = slot + 1000;
      while (!recorded.has(`${job} ${later}`) && later <= window.to + 10_000) later += 1000;
      const what = `${job} ${new Date(slot).toISOString()}`;
      if (recorded.get(`${job} ${later}`)?.reason === 'catch-up') collapsed.push(what);
      else lost.push(what);
    }
  }
  // A slot passed over because its job was still marked running on a dead instance is expected only between the
  // kill and the takeover (the failover window), plus one run's length.
  const insideFailover = (at: number) =>
    kills.some((kill) => at >= kill.at - options.runMs && at <= kill.at + (kill.failoverMs ?? leaseMs * 2) + 1000);
  const runsOf = new Map<string, FiringOfRun[]>();
  for (const firing of firings) {
    if (firing.status === 'released') continue;
    runsOf.set(firing.job, [...(runsOf.get(firing.job) ?? []), firing]);
  }
  const overran = (passed: FiringOfRun) =>
    (runsOf.get(passed.job) ?? []).some(
      (run) => run.claimedAt <= passed.claimedAt && (run.recordedAt ?? Infinity) >= passed.claimedAt,
    );
  const passedOver = firings
    .filter((firing) => firing.status === 'released' && firing.slot >= window.from && firing.slot <= window.to)
    .map((firing) => ({
      what: `${firing.job} ${new Date(firing.slot).toISOString()} on ${firing.instance}: ${firing.note ?? ''}`,
      because: overran(firing) ? ('overrun' as const) : insideFailover(firing.slot) ? ('failover' as const) : undefined,
    }));
  const byStatus: Record<string, number> = {};
  for (const firing of firings) byStatus[firing.status] = (byStatus[firing.status] ?? 0) + 1;
  const claimedInWindow = firings.filter(
    (firing) => firing.status !== 'released' && firing.slot >= window.from && firing.slot <= window.to,
  ).length;
  return {
    leaseMs,
    window,
    kills,
    executions: executions.length,
    duplicates,
    lost,
    collapsed,
    passedOver,
    stillRunning: byStatus.running ?? 0,
    byStatus,
    unrecorded,
    claimedPerSecond: claimedInWindow / Math.max(1, (window.to - window.from) / 1000),
    instances,
  };
}
