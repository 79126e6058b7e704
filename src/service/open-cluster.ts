// Cluster mode ([Cluster] DATABASE_URL): connects to PostgreSQL, brings its tables up to date, and gives the service
// what changes when several instances share the work: the scheduler state in the database, a claim before each
// scheduled firing runs, each run's end recorded under its fencing token, and the takeover of dead instances' runs.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock.ts';
import { applyMigrations } from '../cluster/apply-migrations.ts';
import { ClusterCoordinator } from '../cluster/cluster-coordinator.ts';
import { ClusterStateStore } from '../cluster/cluster-state-store.ts';
import type { ClusterStore, TakenFiring } from '../cluster/cluster-store.ts';
import { PgClusterStore } from '../cluster/pg-cluster-store.ts';
import { PgDatabase } from '../cluster/pg-database.ts';
import type { SqlDatabase } from '../cluster/sql-database.ts';
import type { Settings } from '../config/settings.ts';
import type { Dispatcher } from '../dispatch/dispatcher.ts';
import type { ServiceEventBus } from '../events.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { PycronError } from '../errors.ts';
import { PACKAGE_MANIFEST } from '../package-manifest.ts';
import { isSuccess } from '../runner/run-result.ts';
import { failedResult, type RunManager } from '../runs/run-manager.ts';
import type { Firing, FiringReason } from '../scheduler/firing.ts';
import type { StateStore } from '../state/job-state.ts';
import { readPasswordFile } from '../triggers/read-password-file.ts';
import { redactUrl } from '../triggers/trigger-setting-values.ts';

/** Firings that come from the schedule, the same on every instance: one instance runs each. Triggers, procs and
 *  @reboot belong to the instance they reach. */
const CLAIMED_REASONS: ReadonlySet<FiringReason> = new Set(['schedule', 'catch-up', 'retry']);

/** A job busy on another instance is looked at again this many times, this far apart, before its slot passes. */
const BUSY_LOOKS = 3;
const BUSY_LOOK_MS = 100;

export interface ClusterParts {
  clock: Clock;
  events: ServiceEventBus;
  runs: RunManager;
  dispatcher: Dispatcher;
  lookupJob(name: string): JobSpec | undefined;
  /** This instance's status log has the run's record already (written before a crash, found at restart). */
  hasRecord(runId: string): boolean;
}

export interface Cluster {
  /** The database, for the other parts that keep something in it (remote runs). */
  db: SqlDatabase;
  /** A small pool of its own for what the HTTP API reads (the cluster view, categories, runs). */
  readDb: SqlDatabase;
  stateStore: StateStore;
  coordinator: ClusterCoordinator;
  store: ClusterStore;
  /** This instance's INSTANCE_ID and its current incarnation (a new one after being taken over). */
  me(): { instanceId: string; incarnation: string };
  /** The scheduler's `fire`: a scheduled firing is claimed first, and reaches the dispatcher only if won. */
  fire(job: JobSpec, firing: Firing): void;
  /** Joins the cluster once the service's parts exist: heartbeats, records and takeovers start. */
  join(parts: ClusterParts): Promise<void>;
  /** Leaves the cluster (after the runs ended): records still waiting get `graceMs`. */
  close(graceMs: number): Promise<void>;
}

export async function openCluster(settings: Settings, logger: ServiceLogger, clock: Clock): Promise<Cluster> {
  const url = settings.clusterDatabaseUrl as string;
  const password =
    settings.clusterPasswordFile === undefined
      ? undefined
      : readPasswordFile(settings.clusterPasswordFile, {
          file: settings.configFile,
          section: 'Cluster',
          key: 'PASSWORD_FILE',
        });
  const db = new PgDatabase({
    url,
    schema: settings.clusterSchema,
    ...(password !== undefined ? { password } : {}),
    onError: (error) => logger.warn(`cluster: a database connection broke: ${error.message}`),
  });
  await migrateWhenReachable(db, settings, logger);
  // NOTE: reads for the API and the dashboard have a pool of their own: requests nobody limits (they need no
  // token) must never keep a heartbeat or a claim waiting for a connection.
  const readDb = new PgDatabase({
    url,
    schema: settings.clusterSchema,
    ...(password !== undefined ? { password } : {}),
    max: 2,
    onError: (error) => logger.warn(`cluster: a database connection broke: ${error.message}`),
  });
  const store = new PgClusterStore(db);
  const instanceId = settings.clusterInstanceId ?? hostname();
  const stateStore = new ClusterStateStore({
    store,
    instanceId,
    onError: (error) => logger.warn(`cluster: the state is not saved yet (${error.message}); trying again`),
  });
  let parts: ClusterParts | undefined;
  const coordinator = new ClusterCoordinator({
    store,
    clock,
    logger,
    me: {
      instanceId,
      host: hostname(),
      pid: process.pid,
      version: PACKAGE_MANIFEST.version,
      leaseMs: settings.clusterLeaseMs,
    },
    newIncarnation: () => randomUUID(),
    onTakeOver: (taken) => {
      if (parts) for (const firing of taken) recordTakenOver(parts, firing);
    },
  });

  function recordTakenOver(at: ClusterParts, taken: TakenFiring): void {
    const slot = new Date(taken.scheduledAt).toISOString();
    const why = `interrupted: instance ${taken.from} stopped answering while it ran (its lease ran out)`;
    logger.warn(`cluster: run ${taken.runId} of ${taken.job} for ${slot} was in progress on ${taken.from}: ${why}`);
    const job = at.lookupJob(taken.job);
    const claim = { runId: taken.runId, token: taken.token, takenFrom: taken.from };
    if (!job || at.hasRecord(taken.runId)) {
      coordinator.recordEnd(
        {
          runId: taken.runId,
          token: taken.token,
          status: 'interrupted',
          endedAt: at.clock.now(),
          exitCode: null,
          note: why,
        },
        taken.job,
      );
      return;
    }
    const firing: Firing = {
      job: taken.job,
      scheduledAt: taken.scheduledAt,
      reason: taken.reason as FiringReason,
      attempt: taken.attempt,
      collapsedSlots: 0,
      args: [],
      claim,
    };
    // The run's record (status log, state, retry as for any failure) is written here, by its new owner.
    at.runs.finish(job, firing, failedResult(taken.job, taken.runId, taken.claimedAt, at.clock.now(), why));
  }

  return {
    db,
    readDb,
    stateStore,
    coordinator,
    store,
    me: () => ({ instanceId, incarnation: coordinator.incarnation }),
    fire(job, firing) {
      const at = parts;
      if (!at) return;
      if (!CLAIMED_REASONS.has(firing.reason)) {
        at.dispatcher.submit(job, firing);
        return;
      }
      void claimAndSubmit(at, job, firing).catch((error: unknown) =>
        logger.error(`cluster: firing of ${job.name} failed inside pycron: ${String(error)}`),
      );
    },
    async join(joining) {
      joining.events.on('run:finished', ({ firing, result, record }) => {
        const claim = firing.claim;
        if (!claim) return;
        const status = claim.takenFrom ? 'interrupted' : isSuccess(result) ? 'succeeded' : 'failed';
        coordinator.recordEnd(
          {
            runId: claim.runId,
            token: claim.token,
            status,
            endedAt: result.endedAt,
            exitCode: result.exitCode,
            record,
            ...(claim.takenFrom ? { note: `taken over from ${claim.takenFrom}` } : {}),
          },
          firing.job,
        );
      });
      parts = joining;
      await coordinator.start();
    },
    async close(graceMs) {
      await coordinator.stop(graceMs);
      stateStore.close();
      await Promise.all([db.close().catch(() => {}), readDb.close().catch(() => {})]);
    },
  };

  async function claimAndSubmit(at: ClusterParts, job: JobSpec, firing: Firing): Promise<void> {
    const runId = randomUUID();
    const request = {
      job: job.name,
      scheduledAt: firing.scheduledAt,
      retry: firing.reason === 'retry',
      attempt: firing.attempt,
      reason: firing.reason,
      runId,
      exclusive: job.options.overlap !== 'parallel',
    };
    // NOTE: a run that just ended elsewhere may not be recorded yet: look again a few times before passing over.
    let outcome = await coordinator.claim(request, false);
    for (let look = 1; outcome?.kind === 'busy' && look <= BUSY_LOOKS; look++) {
      await new Promise((resolve) => setTimeout(resolve, BUSY_LOOK_MS));
      outcome = await coordinator.claim(request, look === BUSY_LOOKS);
    }
    if (outcome === undefined) return;
    if (outcome.kind === 'taken') {
      logger.debug(`cluster: ${job.name} for ${new Date(firing.scheduledAt).toISOString()} runs on ${outcome.by}`);
      return;
    }
    if (outcome.kind === 'busy') {
      const reason = `the job is running on ${outcome.by}`;
      logger.warn(
        `${firing.reason} run of ${job.name} for ${new Date(firing.scheduledAt).toISOString()} skipped: ${reason}`,
      );
      at.events.emit('firing:skipped', { job: job.name, slot: firing.scheduledAt, reason });
      return;
    }
    // The job may have changed while the claim was made: run its current spec.
    const current = at.lookupJob(job.name);
    const claim = { runId, token: outcome.token };
    const submitted = current ? at.dispatcher.submit(current, { ...firing, claim }) : undefined;
    if (!submitted || submitted.kind === 'refused' || submitted.kind === 'collapsed') {
      coordinator.recordEnd(
        {
          ...claim,
          status: 'released',
          endedAt: at.clock.now(),
          exitCode: null,
          note: submitted ? `not run: ${submitted.message}` : 'not run: the job was removed',
        },
        job.name,
      );
    }
  }
}

/** Waits for the database at start (it may come up after pycron), reporting each failure; then migrates. */
async function migrateWhenReachable(db: PgDatabase, settings: Settings, logger: ServiceLogger): Promise<void> {
  let delay = 500;
  for (;;) {
    try {
      const applied = await applyMigrations(db, settings.clusterSchema);
      logger.info(
        `cluster: database ${redactUrl(settings.clusterDatabaseUrl as string)}, schema ${settings.clusterSchema}` +
          (applied.length > 0 ? ` (applied migration ${applied.join(', ')})` : ''),
      );
      return;
    } catch (error) {
      // A schema from a newer pycron will not get older by waiting.
      if (error instanceof PycronError) throw error;
      logger.error(
        `cluster: cannot use the database ${redactUrl(settings.clusterDatabaseUrl as string)}: ` +
          `${error instanceof Error ? error.message : String(error)}; trying again in ${delay / 1000} s`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(10_000, delay * 2);
    }
  }
}
