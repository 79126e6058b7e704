// After a crash (kill -9, power loss) the state may name runs that were in flight. Their process groups survive the
// service (each run leads its own group), so a restarted service must not start a second copy while one still runs.
// Policy: a run whose own process still runs is waited for (pycron does not kill work it cannot see the end of),
// bounded by the job's timeout; a run that is gone is recorded as interrupted, unless its record was written just
// before the crash. Either way the outcome is unknown, so it counts as a failure and the job is retried.
import { readdirSync } from 'node:fs';
import type { Clock } from '../clock.ts';
import { defaultJobOptions } from '../jobs/job-options.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { isSameProcess, readProcessEnvVar, readProcessStat } from '../runner/process-identity.ts';
import { terminateGroup } from '../runner/terminate-group.ts';
import type { Firing, FiringReason } from '../scheduler/firing.ts';
import type { InFlightRun } from '../state/job-state.ts';
import type { StateBook } from '../state/state-book.ts';
import { failedResult, type RunManager } from './run-manager.ts';

const ORPHAN_POLL_MS = 500;

export interface RecoverOptions {
  jobs: Map<string, JobSpec>;
  state: StateBook;
  runs: RunManager;
  clock: Clock;
  logger: ServiceLogger;
  bootId: string | undefined;
  killGraceMs: number;
  /** True when the status log already holds a record for this run id (written just before a crash). */
  hasRecord(runId: string): boolean;
}

export interface LiveRun {
  /** The run's own process: the leader of its process group. */
  pid: number;
  startTicks: number;
}

/**
 * The run's own process if it still runs: the recorded pid with the recorded start time, or (when the crash came
 * between the spawn and the state save) the group leader started with PYCRON_RUN_ID=runId. Children left behind
 * by a leader that has exited do not count: a run is over when its own process exits.
 */
export function findLiveRun(inFlight: InFlightRun, bootId: string | undefined): LiveRun | undefined {
  const sameBoot = inFlight.bootId === undefined || bootId === undefined || inFlight.bootId === bootId;
  if (!sameBoot) return undefined;
  if (inFlight.pid !== undefined && inFlight.pidStartTicks !== undefined) {
    return isSameProcess(inFlight.pid, inFlight.pidStartTicks)
      ? { pid: inFlight.pid, startTicks: inFlight.pidStartTicks }
      : undefined;
  }
  return findLeaderByRunId(inFlight.runId);
}

function findLeaderByRunId(runId: string): LiveRun | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isSafeInteger(pid) || pid <= 1) continue;
    if (readProcessEnvVar(pid, 'PYCRON_RUN_ID') !== runId) continue;
    const stat = readProcessStat(pid);
    if (stat && stat.pgrp === pid && stat.state !== 'Z') return { pid, startTicks: stat.startTicks };
  }
  return undefined;
}

/** A stand-in for a job whose folder is missing or broken at restart, so its run can still be recorded. */
function standInJob(name: string, inFlight: InFlightRun): JobSpec {
  const file = inFlight.file ?? name;
  return {
    name,
    layout: 'folder',
    folder: '',
    file,
    command: { kind: 'exec', path: file },
    schedules: [],
    scheduleArgs: [],
    timezone: 'UTC',
    timeoutMs: undefined,
    enabled: false,
    options: defaultJobOptions('', name),
    fingerprint: '',
  };
}

/** Deals with every run the state says was in flight; returns the names of jobs whose old run still runs. */
export function recoverInFlightRuns(options: RecoverOptions): string[] {
  const { state } = options;
  const adopted: string[] = [];
  for (const name of state.names()) {
    for (const inFlight of state.get(name).inFlight ?? []) {
      // NOTE: a job that is missing or invalid now may be valid again in a second: its live run still blocks it.
      const job = options.jobs.get(name) ?? standInJob(name, inFlight);
      if (recoverRun(options, job, inFlight)) adopted.push(name);
    }
  }
  return adopted;
}

/** Records or adopts one run found in flight; true when its process still runs (adopted). */
function recoverRun(options: RecoverOptions, job: JobSpec, inFlight: InFlightRun): boolean {
  const { state, runs, clock, logger } = options;
  const name = job.name;
  const firing: Firing = {
    job: name,
    scheduledAt: inFlight.scheduledAt,
    reason: toReason(inFlight.reason),
    attempt: inFlight.attempt,
    collapsedSlots: 0,
    args: [],
  };
  const live = findLiveRun(inFlight, options.bootId);
  if (!live) {
    if (options.hasRecord(inFlight.runId)) {
      // The record was written, the state save that follows it was not: finish the bookkeeping quietly.
      const current = state.get(name);
      const rest = (current.inFlight ?? []).filter((run) => run.runId !== inFlight.runId);
      state.set(name, { ...current, inFlight: rest.length > 0 ? rest : undefined });
      return false;
    }
    logger.warn(
      `run ${inFlight.runId} of ${name} was interrupted: the service stopped during it and its process is gone`,
    );
    const result = failedResult(name, inFlight.runId, inFlight.startedAt, clock.now(), interruptedSentence(false));
    runs.finish(job, firing, { ...result, pid: inFlight.pid ?? null });
    return false;
  }
  logger.warn(
    `run ${inFlight.runId} of ${name} (pid ${live.pid}) survived the service's restart: waiting for it to end before the job runs again`,
  );
  adoptRun(options, job, firing, inFlight, live);
  return true;
}

function adoptRun(options: RecoverOptions, job: JobSpec, firing: Firing, inFlight: InFlightRun, live: LiveRun): void {
  const { runs, clock } = options;
  const deadline = job.timeoutMs !== undefined ? inFlight.startedAt + job.timeoutMs : undefined;
  let stopping: Promise<unknown> | undefined;
  let timedOut = false;
  const stop = (): Promise<void> => {
    stopping ??= terminateGroup(live.pid, options.killGraceMs);
    return stopping.then(() => undefined);
  };
  const done = new Promise<void>((resolve) => {
    // NOTE: not unref'd: while the adopted run is active, the service must stay up to record its end.
    const poll = (): void => {
      if (isSameProcess(live.pid, live.startTicks)) {
        if (deadline !== undefined && clock.now() >= deadline && !stopping) {
          timedOut = true;
          void stop();
        }
        setTimeout(poll, ORPHAN_POLL_MS);
        return;
      }
      const result = failedResult(job.name, inFlight.runId, inFlight.startedAt, clock.now(), interruptedSentence(true));
      runs.finish(job, firing, { ...result, pid: live.pid, timedOut });
      resolve();
    };
    poll();
  });
  runs.adopt(job.name, inFlight.runId, firing, done, stop);
}

function interruptedSentence(survived: boolean): string {
  return survived
    ? 'pycron was restarted during this run; the run went on and has now ended, but its exit code and output could not be seen'
    : 'pycron stopped (crash or kill -9) during this run and the run was gone when it restarted; its exit code and output are unknown';
}

function toReason(reason: string): FiringReason {
  const known: FiringReason[] = ['schedule', 'catch-up', 'retry', 'reboot', 'manual'];
  return known.includes(reason as FiringReason) ? (reason as FiringReason) : 'schedule';
}
