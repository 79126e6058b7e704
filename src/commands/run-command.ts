// `pycron run JOB`: runs one job now in the foreground, writes its status record, exits with the job's exit code.
// It does not write the state file (the service owns it), but refuses to start while the service runs the job.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { constants, hostname } from 'node:os';
import { PycronError } from '../errors.ts';
import { readBootId } from '../runner/process-identity.ts';
import { spawnJob } from '../runner/spawn-job.ts';
import { findLiveRun } from '../runs/recover-in-flight.ts';
import { spawnOptionsFor } from '../runs/spawn-options-for.ts';
import { describeFiring, type Firing } from '../scheduler/firing.ts';
import { nextSlot } from '../scheduler/next-slot.ts';
import { buildStatusRecord } from '../statuslog/status-record.ts';
import { StatusLog } from '../statuslog/status-log.ts';
import { findJob, loadSettingsOrExit, type CommonArgs } from './load-context.ts';
import { readStateQuietly } from './list-command.ts';

export async function runCommand(args: CommonArgs & { job: string }): Promise<number> {
  const { settings } = loadSettingsOrExit(args);
  const job = await findJob(settings, args.job);
  const state = await readStateQuietly(settings.stateFile);
  const jobState = state.jobs[job.name];
  const bootId = readBootId();
  for (const inFlight of jobState?.inFlight ?? []) {
    const live = findLiveRun(inFlight, bootId);
    if (live === undefined) continue;
    throw new PycronError('JOB_RUNNING', {
      reason: `${job.name} is running already (pid ${live.pid}, run ${inFlight.runId}); pycron never starts a second copy`,
    });
  }
  const failures = jobState?.failures ?? 0;
  const runId = randomUUID();
  const now = Date.now();
  const firing: Firing = {
    job: job.name,
    scheduledAt: now,
    reason: 'manual',
    attempt: 1,
    collapsedSlots: 0,
    args: [],
  };
  await mkdir(settings.logsFolder, { recursive: true });
  const statusLog = await StatusLog.open({
    logsFolder: settings.logsFolder,
    retentionDays: settings.statusLogRetentionDays,
  });

  const child = spawnJob(
    spawnOptionsFor(job, firing, runId, { killGraceMs: settings.killGraceMs, captureBytes: settings.captureBytes }),
  );
  const forward = (): void => void child.stop('shutdown');
  process.once('SIGINT', forward);
  process.once('SIGTERM', forward);
  const result = await child.result;
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);

  const ok = result.exitCode === 0 && result.error === null && !result.timedOut;
  const record = buildStatusRecord({
    job: { name: job.name, file: job.file },
    result,
    scheduledAt: now,
    reasonForRun: describeFiring(firing),
    failedAttempts: ok ? 0 : failures + 1,
    nextRun: job.enabled ? nextSlot(job, Date.now()) : undefined,
    host: hostname(),
  });
  statusLog.write(record);
  await statusLog.close();
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  if (result.error) {
    process.stderr.write(`pycron: ${result.error}\n`);
    return 1;
  }
  if (result.timedOut) process.stderr.write(`pycron: ${job.name} timed out after ${job.timeoutMs} ms\n`);
  if (result.exitCode !== null) return result.exitCode;
  // As a shell reports it: 128 + the signal's number (SIGKILL: 137, SIGABRT: 134).
  const signals = constants.signals as Record<string, number | undefined>;
  return 128 + (signals[result.signal ?? ''] ?? 0);
}
