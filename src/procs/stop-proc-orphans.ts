// Policy for a proc's copy left running by a crashed service (kill -9): stop its group before starting the new
// one. Adopting it instead would leave a process whose output and exit code pycron can never see, and whose start
// may predate a change of its files; a fresh start is the state pycron can vouch for.
import type { ServiceLogger } from '../log/service-logger.ts';
import { terminateGroup } from '../runner/terminate-group.ts';
import { findProcOrphans } from './find-proc-orphans.ts';

export interface StopProcOrphansOptions {
  name: string;
  serviceId: string;
  /** Groups this service runs itself: never touched. */
  exclude: ReadonlySet<number>;
  /** SIGTERM, then SIGKILL after this long. */
  graceMs: number;
  logger: ServiceLogger;
  find?: ((serviceId: string, name: string, exclude: ReadonlySet<number>) => number[]) | undefined;
}

/** Resolves when every orphan group of the proc is gone. Never throws: a failed search is logged. */
export async function stopProcOrphans(opts: StopProcOrphansOptions): Promise<void> {
  const { name, logger } = opts;
  let groups: number[];
  try {
    groups = (opts.find ?? findProcOrphans)(opts.serviceId, name, opts.exclude);
  } catch (error) {
    logger.error(`proc ${name}: could not look for an orphan copy: ${String(error)}`);
    return;
  }
  if (groups.length === 0) return;
  logger.warn(
    `proc ${name}: a copy left by a previous service still runs (process group ${groups.join(', ')}); stopping it before starting a new one`,
  );
  const outcomes = await Promise.all(groups.map((pgid) => terminateGroup(pgid, opts.graceMs)));
  if (outcomes.some((outcome) => outcome.forced)) {
    logger.warn(`proc ${name}: the old copy ignored SIGTERM and was killed (SIGKILL)`);
  }
}
