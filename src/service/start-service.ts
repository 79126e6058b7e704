// Wires the parts into a running service: settings -> jobs catalog -> scheduler -> runs -> status log and state.
// Returns a handle whose stop() is the graceful shutdown (SIGTERM): nothing new starts, running jobs get a grace.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { systemClock, type Clock } from '../clock.ts';
import type { Settings } from '../config/settings.ts';
import { formatDiagnostic } from '../diagnostic.ts';
import { ServiceEventBus } from '../events.ts';
import { JobCatalog } from '../jobs/job-catalog.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import { scanEntry, scanJobsFolder } from '../jobs/scan-jobs-folder.ts';
import { scanOptionsOf } from '../jobs/scan-options-of.ts';
import { PROTOS_FOLDER } from '../jobs/job-file-names.ts';
import { ALL_ENTRIES, watchJobsFolder } from '../jobs/jobs-watcher.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { readBootId } from '../runner/process-identity.ts';
import { Dispatcher } from '../dispatch/dispatcher.ts';
import type { TriggerOutcome } from '../dispatch/trigger-outcome.ts';
import { PycronError } from '../errors.ts';
import { ProcSupervisor } from '../procs/proc-supervisor.ts';
import { RunManager } from '../runs/run-manager.ts';
import { recoverInFlightRuns } from '../runs/recover-in-flight.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import type { StateStore } from '../state/job-state.ts';
import { JsonFileStateStore } from '../state/json-file-state-store.ts';
import { StateBook } from '../state/state-book.ts';
import { acquireStateLock } from '../state/state-lock.ts';
import { StatusLog } from '../statuslog/status-log.ts';
import type { HttpServer } from '../http/http-server.ts';
import { controlHandlersFor } from '../control/control-handlers-for.ts';
import type { ControlServer } from '../control/control-server.ts';
import { ServiceMetrics } from '../metrics/service-metrics.ts';
import { Notifier } from '../notify/notifier.ts';
import { RunHistory } from '../history/run-history.ts';
import { historyForHttp } from './history-for-http.ts';
import { openAmqp } from './open-amqp.ts';
import { openCluster } from './open-cluster.ts';
import { openControlSocket } from './open-control-socket.ts';
import { openHttpServer } from './open-http-server.ts';
import { openTicks } from './open-ticks.ts';
import { openTriggers, type Triggers } from './open-triggers.ts';
import type { TickPublisher } from '../ticks/tick-publisher.ts';
import { CLUSTER_SETTING_FIELDS } from '../cluster/cluster-setting-fields.ts';
import { TRIGGER_SETTING_FIELDS } from '../triggers/trigger-setting-fields.ts';
import { runRebootJobs } from './run-reboot-jobs.ts';
import { catalogApplier } from './catalog-applier.ts';
import { clusterView } from './cluster-view.ts';
import { openClusterRuns } from './open-cluster-runs.ts';
import { openStoredJobs } from './open-stored-jobs.ts';
import type { Service } from './service.ts';

export type { Service } from './service.ts';

export interface ServiceDeps {
  logger: ServiceLogger;
  clock?: Clock;
  /** Defaults to the JSON state file named in the settings. */
  stateStore?: StateStore;
  /** Defaults to the real /proc boot id. */
  bootId?: string;
}

export async function startService(initialSettings: Settings, deps: ServiceDeps): Promise<Service> {
  // Replaced as a whole by reload(); the folders and log settings it cannot change are kept.
  let settings = initialSettings;
  const { logger } = deps;
  const clock = deps.clock ?? systemClock;
  const events = new ServiceEventBus((event, error) => logger.error(`a listener of ${event} failed: ${String(error)}`));

  await Promise.all([
    mkdir(settings.jobsFolder, { recursive: true }),
    mkdir(settings.logsFolder, { recursive: true }),
    mkdir(dirname(settings.stateFile), { recursive: true }),
  ]);
  const statusLog = await StatusLog.open({
    logsFolder: settings.logsFolder,
    retentionDays: settings.statusLogRetentionDays,
    onError: (error) => logger.error(`status log: ${error.message}`),
    onNotice: (message) => logger.warn(message),
  });
  const cluster = settings.clusterDatabaseUrl ? await openCluster(settings, logger, clock) : undefined;
  // NOTE: before the state is read: a second service on the same state file would run every job twice.
  const lock = deps.stateStore || cluster ? undefined : acquireStateLock(settings.stateFile);
  const store =
    deps.stateStore ??
    cluster?.stateStore ??
    new JsonFileStateStore(settings.stateFile, { onError: (error) => logger.error(`state file: ${error.message}`) });
  const loaded = await store.load();
  if (loaded.warning) logger.warn(loaded.warning);
  const state = new StateBook(loaded.state, store);

  const catalog = new JobCatalog(settings.jobsFolder);
  const storedJobs = cluster
    ? openStoredJobs({ db: cluster.db, readDb: cluster.readDb, catalog, settings: () => settings, clock, logger })
    : undefined;
  const startedAt = performance.now();

  const bootId = deps.bootId ?? readBootId();
  const serviceId = createHash('sha256').update(settings.stateFile).digest('hex').slice(0, 16);
  const procs = new ProcSupervisor({
    clock,
    logger,
    events,
    statusLog,
    host: hostname(),
    serviceId,
    killGraceMs: settings.killGraceMs,
    captureBytes: settings.captureBytes,
  });
  const amqp = openAmqp(settings, logger, clock, cluster);
  const runs = new RunManager({
    launch: amqp.launch,
    clock,
    state,
    statusLog,
    logger,
    events,
    host: hostname(),
    bootId,
    serviceId,
    retryDelayMs: settings.retryDelayMs,
    killGraceMs: settings.killGraceMs,
    captureBytes: settings.captureBytes,
    onRunEnded: (job, ended) => {
      dispatcher.runEnded(job, ended);
      scheduler.replan(job);
    },
    lookupJob: (name) => catalog.get(name),
  });
  // NOTE: the run manager's onRunEnded calls the dispatcher and scheduler, created next; it runs only once runs exist.
  const dispatcher: Dispatcher = new Dispatcher({
    clock,
    logger,
    events,
    runs,
    lookupJob: (name) => catalog.get(name),
    isPaused: (name) => state.get(name).paused === true,
  });
  const scheduler: Scheduler = new Scheduler({
    clock,
    state,
    isRunning: (job) => runs.isRunning(job),
    fire: (job, firing) => (cluster ? cluster.fire(job, firing) : void dispatcher.submit(job, firing)),
    skipped: (job, skipped) => {
      const slots = skipped.count === 1 ? 'slot' : `${skipped.atLeast ? 'at least ' : ''}${skipped.count} slots`;
      logger.warn(`${job.name}: ${slots} up to ${new Date(skipped.latest).toISOString()} not run: ${skipped.reason}`);
      events.emit('firing:skipped', { job: job.name, slot: skipped.latest, reason: skipped.reason });
    },
  });

  // NOTE: no process metrics: prom-client's event-loop-delay monitor wakes the process every 10 ms, forever.
  const metrics = new ServiceMetrics({
    events,
    jobNames: () => catalog.jobs.map((job) => job.name),
    nextRunOf: (job) => scheduler.nextAt(job),
    lastSuccessOf: (job) => {
      const last = state.get(job).lastRun;
      return last?.ok ? last.endedAt : undefined;
    },
    jobsFolder: settings.jobsFolder,
    processMetrics: false,
  });

  const history = new RunHistory({
    logsFolder: settings.logsFolder,
    retentionDays: settings.statusLogRetentionDays,
    clock,
    events,
    onError: (error) => logger.warn(`run history: ${error.message}`),
  });
  const localHistory = historyForHttp(history);
  const clusterRuns = cluster
    ? openClusterRuns({
        db: cluster.db,
        readDb: cluster.readDb,
        instanceId: cluster.me().instanceId,
        events,
        local: localHistory,
        clock,
        logger,
        retentionDays: settings.statusLogRetentionDays,
      })
    : undefined;
  const notifier = new Notifier({
    events,
    clock,
    logger,
    host: hostname(),
    mailSettings: () => settings,
    lookupJob: (name) => catalog.get(name),
    isPaused: (name) => state.get(name).paused === true,
    lastOutcomeOf: (name) => {
      const last = state.get(name).lastRun;
      return last === undefined ? undefined : last.ok ? 'success' : 'failure';
    },
  });

  const { applyChange, reportDiagnostics } = catalogApplier({ catalog, scheduler, dispatcher, procs, logger, events });

  // Scans run one at a time, in order, so an older scan can never overwrite a newer one.
  let scanQueue: Promise<void> = Promise.resolve();
  let stopped = false;
  function enqueueScan(work: () => Promise<void>): Promise<void> {
    scanQueue = scanQueue.then(async () => {
      if (stopped) return;
      try {
        await work();
      } catch (error) {
        logger.error(`scanning the jobs folder failed: ${String(error)}`);
      }
    });
    return scanQueue;
  }
  const rescan = (): Promise<void> =>
    enqueueScan(async () => {
      const result = await scanJobsFolder(settings.jobsFolder, scanOptionsOf(settings));
      const before = new Set(catalog.diagnostics.map(formatDiagnostic));
      applyChange(catalog.replaceAll(result));
      reportDiagnostics(result.diagnostics.filter((d) => !before.has(formatDiagnostic(d))));
    });
  const rescanEntry = (entry: string): Promise<void> =>
    // A proto is part of every job that includes it: a change under _protos/ rescans them all.
    entry === ALL_ENTRIES || entry === PROTOS_FOLDER
      ? rescan()
      : enqueueScan(async () => {
          const result = await scanEntry(settings.jobsFolder, entry, scanOptionsOf(settings));
          const before = new Set(catalog.diagnostics.map(formatDiagnostic));
          applyChange(catalog.replaceEntry(entry, result));
          reportDiagnostics(result.diagnostics.filter((d) => !before.has(formatDiagnostic(d))));
        });

  // NOTE: the watcher starts before the first scan, so a change made during the scan is queued behind it, not lost.
  const watcher = watchJobsFolder(settings.jobsFolder, {
    onEntryChanged: (entry) => void rescanEntry(entry),
    onError: (diagnostic) => logger.error(formatDiagnostic(diagnostic)),
  });
  await enqueueScan(async () => {
    const initial = await scanJobsFolder(settings.jobsFolder, scanOptionsOf(settings));
    catalog.replaceAll(initial);
    reportDiagnostics(initial.diagnostics);
    await storedJobs?.start();
    for (const job of catalog.jobs) notifier.upsert(job);
    const jobsByName = new Map(catalog.jobs.map((job) => [job.name, job]));
    recoverInFlightRuns({
      jobs: jobsByName,
      state,
      runs,
      clock,
      logger,
      bootId,
      killGraceMs: settings.killGraceMs,
      hasRecord: (runId) => statusLog.hasRecord(runId),
    });
    runRebootJobs({ jobs: catalog.jobs, state, runs, bootId, clock, logger });
    const hasRecord = (runId: string): boolean => statusLog.hasRecord(runId);
    await cluster?.join({ clock, events, runs, dispatcher, lookupJob: (name) => catalog.get(name), hasRecord });
    for (const job of catalog.jobs) {
      if (job.options.type === 'proc') procs.upsert(job, { atStartUp: true });
      else scheduler.addAtStartUp(job);
    }
    scheduler.start();
    storedJobs?.startApplying({ applyChange, reportDiagnostics });
  });
  let rescanTimer = setInterval(() => void rescan(), settings.rescanEveryMs);
  await watcher.ready;
  let http: HttpServer | undefined;
  let control: ControlServer | undefined;
  let triggers: Triggers | undefined;
  let ticks: TickPublisher | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      stopped = true;
      // NOTE: the socket, the API and Redis/MQTT first, so no trigger arrives during the shutdown.
      await Promise.all([control?.close().catch(() => {}), http?.close().catch(() => {}), triggers?.close()]);
      storedJobs?.close();
      scheduler.stop();
      dispatcher.stop();
      clearInterval(rescanTimer);
      await watcher.close().catch(() => {});
      const running = runs.runningJobs();
      if (running.length > 0) {
        logger.info(`stopping: waiting up to ${settings.shutdownGraceMs} ms for ${running.join(', ')}`);
      }
      await Promise.all([runs.stopAll(settings.shutdownGraceMs), procs.stopAll()]);
      await scanQueue;
      await state.flush().catch((error: unknown) => logger.error(`state file: ${String(error)}`));
      await ticks?.stop();
      await amqp.close();
      await clusterRuns?.close(5_000);
      await cluster?.close(5_000);
      await statusLog.close();
      metrics.close();
      await history.close();
      await notifier.close(5_000);
      lock?.release();
      logger.info('pycron stopped');
    })());

  function jobNamed(name: string): JobSpec {
    const job = catalog.get(name);
    if (!job) throw new PycronError('JOB_NOT_FOUND', { reason: `no job named '${name}' in ${settings.jobsFolder}` });
    return job;
  }
  function trigger(name: string, args: readonly string[], source: string): TriggerOutcome {
    return dispatcher.trigger(jobNamed(name), args, source);
  }
  function pause(name: string): void {
    scheduler.pause(jobNamed(name).name);
    logger.info(`job paused: ${name}`);
    events.emit('job:paused', { job: name, paused: true });
  }
  function resume(name: string): void {
    scheduler.resume(jobNamed(name).name);
    logger.info(`job resumed: ${name}`);
    events.emit('job:paused', { job: name, paused: false });
  }

  async function reload(next: Settings): Promise<string[]> {
    if (stopped) return [];
    const fixed = [
      'jobsFolder',
      'logsFolder',
      'stateFile',
      'logLevel',
      'logFormat',
      'statusLogRetentionDays',
      'controlSocket',
      'httpListen',
      'httpToken',
      'httpTokenFile',
      ...TRIGGER_SETTING_FIELDS,
      ...CLUSTER_SETTING_FIELDS,
    ] as const;
    const needRestart = fixed.filter((key) => next[key] !== settings[key]);
    if (next.rescanEveryMs !== settings.rescanEveryMs) {
      clearInterval(rescanTimer);
      rescanTimer = setInterval(() => void rescan(), next.rescanEveryMs);
    }
    settings = { ...next, ...Object.fromEntries(fixed.map((key) => [key, settings[key]])) };
    runs.configure({
      retryDelayMs: settings.retryDelayMs,
      killGraceMs: settings.killGraceMs,
      captureBytes: settings.captureBytes,
    });
    procs.configure({ killGraceMs: settings.killGraceMs, captureBytes: settings.captureBytes });
    await rescan();
    await storedJobs?.reread();
    return needRestart;
  }

  const service: Service = {
    events,
    catalog,
    scheduler,
    runs,
    state,
    dispatcher,
    procs,
    trigger,
    runNow: (name, args, source) => dispatcher.trigger(jobNamed(name), args, source, 'manual'),
    pause,
    resume,
    rescan,
    reload,
    stop,
    get settings() {
      return settings;
    },
    [Symbol.asyncDispose]: stop,
  };
  // NOTE: the socket opens once the service object exists (status describes jobs through it), before "ready".
  control = await openControlSocket(settings, logger, controlHandlersFor(service));
  const loadMs = Math.round(performance.now() - startedAt);
  logger.info(`pycron ready: ${catalog.jobs.length} job(s) from ${settings.jobsFolder} in ${loadMs} ms`, {
    invalid: catalog.diagnostics.filter((d) => d.severity === 'error').length,
    status_log: `${settings.logsFolder}/job_status.log`,
    state_file: settings.stateFile,
  });
  events.emit('service:ready', { jobs: catalog.jobs.length });
  triggers = await openTriggers(settings, logger, service);
  ticks = openTicks(settings, logger, clock, amqp.link, cluster);
  http = await openHttpServer(settings, logger, {
    triggers,
    service,
    history: clusterRuns?.history ?? localHistory,
    metrics: { contentType: metrics.contentType, render: () => metrics.render() },
    ...(storedJobs ? { storedJobs: storedJobs.api } : {}),
    ...(cluster ? { cluster: clusterView({ db: cluster.readDb, me: () => cluster.me() }) } : {}),
  });
  return service;
}
