// What a run of a job is spawned with: its command, extra arguments, working directory, environment and user.
// One place, so that the service's runs and `pycron run` start a job alike.
import type { JobSpec } from '../jobs/job-spec.ts';
import type { SpawnJobOptions } from '../runner/spawn-job.ts';
import type { Firing } from '../scheduler/firing.ts';

export interface SpawnDefaults {
  /** The service's KILL_GRACE_SECONDS, unless the job sets kill_grace. */
  killGraceMs: number;
  captureBytes: number;
  /** PYCRON_SERVICE: marks the service's runs in /proc, so orphans can be found after a crash. */
  serviceId?: string;
  now?: () => number;
}

export function spawnOptionsFor(job: JobSpec, firing: Firing, runId: string, defaults: SpawnDefaults): SpawnJobOptions {
  const { options } = job;
  return {
    runId,
    job: job.name,
    command: job.command,
    args: firing.args,
    cwd: options.dir,
    // NOTE: the job's [env] first, so it can never override the PYCRON_* variables.
    env: {
      ...options.env,
      PYCRON_JOB: job.name,
      PYCRON_RUN_ID: runId,
      PYCRON_SCHEDULED_AT: new Date(firing.scheduledAt).toISOString(),
      PYCRON_ATTEMPT: String(firing.attempt),
      ...(defaults.serviceId ? { PYCRON_SERVICE: defaults.serviceId } : {}),
    },
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    timeoutMs: job.timeoutMs,
    killGraceMs: options.killGraceMs ?? defaults.killGraceMs,
    captureBytes: defaults.captureBytes,
    ...(defaults.now ? { now: defaults.now } : {}),
  };
}
