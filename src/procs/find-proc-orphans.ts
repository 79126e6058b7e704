// Procs lead their own process groups, so they outlive a kill -9 of the service. Before a restarted service starts
// a proc, it looks in /proc for the copy the previous service left running, so there are never two.
import { readdirSync } from 'node:fs';
import { readProcessEnvVar, readProcessStat } from '../runner/process-identity.ts';

/** Set in every proc's environment (besides PYCRON_JOB and PYCRON_SERVICE), so a job's run is never taken for one. */
export const PROC_ENV_MARK = 'PYCRON_PROC';

/**
 * Process groups left by an earlier service `serviceId` for proc `name`: a live process whose environment names
 * both, and that leads its group, or whose group's leader is gone (the proc exited, a child it started stays).
 * `exclude` lists groups this service runs itself. Never throws; no /proc gives an empty list.
 */
export function findProcOrphans(serviceId: string, name: string, exclude: ReadonlySet<number> = new Set()): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const ownGroup = readProcessStat(process.pid)?.pgrp;
  const groups = new Set<number>();
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid) continue;
    // NOTE: the cheap test first: most processes are not ours, and reading their environ fails or misses.
    if (readProcessEnvVar(pid, 'PYCRON_SERVICE') !== serviceId) continue;
    if (readProcessEnvVar(pid, PROC_ENV_MARK) !== '1' || readProcessEnvVar(pid, 'PYCRON_JOB') !== name) continue;
    const stat = readProcessStat(pid);
    if (!stat || stat.state === 'Z' || stat.pgrp <= 1 || stat.pgrp === ownGroup || exclude.has(stat.pgrp)) continue;
    if (stat.pgrp === pid || !leadsLiveGroup(stat.pgrp)) groups.add(stat.pgrp);
  }
  return [...groups].sort((a, b) => a - b);
}

/** The leader of group `pgid` still runs (then the group is the leader's, and the leader is found on its own). */
function leadsLiveGroup(pgid: number): boolean {
  const leader = readProcessStat(pgid);
  return leader !== undefined && leader.pgrp === pgid && leader.state !== 'Z';
}
