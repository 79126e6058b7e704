// Enough inotify watches and instances for the jobs folder? When they run out, the watcher fails with ENOSPC and new,
// changed and removed jobs are only seen at the periodic rescan, minutes later, with no other sign.
import { countWatchesNeeded } from './count-watches-needed.ts';
import type { Finding } from './finding.ts';
import type { SystemFacts } from './system-facts.ts';

/** The value commonly recommended for file watchers; the kernel's own default (since 5.11) scales with memory. */
const COMFORTABLE_WATCHES = 524_288;
const COMFORTABLE_INSTANCES = 1024;
const SYSCTL_FILE = '/etc/sysctl.d/60-pycron-inotify.conf';

export function checkInotify(facts: SystemFacts, jobsFolder: string, rescanEveryMs: number): Finding[] {
  const limits = facts.inotifyLimits();
  if (!limits)
    return [
      {
        check: 'inotify',
        severity: 'warn',
        message: 'cannot read /proc/sys/fs/inotify/max_user_watches: the inotify limits are unknown',
        fix: 'run doctor on the Linux host that runs the service (pycron watches folders with inotify)',
      },
    ];
  const user = facts.user().name;
  const { folders, watches: needed } = countWatchesNeeded(facts, jobsFolder);
  const inUse = facts.inotifyInUse();
  const held = inUse?.watches ?? 0;
  const heldText = inUse
    ? `${held} held now by ${user}'s processes, pycron's own among them if it runs`
    : `use by other programs unknown`;
  const need = `${folders} job folder${folders === 1 ? ' needs' : 's need'} about ${needed} inotify watch${needed === 1 ? '' : 'es'}`;
  const suggested = Math.max(COMFORTABLE_WATCHES, nextPowerOfTwo(2 * (needed + held)));
  const raiseWatches = `echo 'fs.inotify.max_user_watches = ${suggested}' | sudo tee ${SYSCTL_FILE} && sudo sysctl --system`;
  const fallback = `changes are then seen only at the full rescan every ${minutes(rescanEveryMs)}`;
  const findings: Finding[] = [];

  if (needed > limits.maxUserWatches)
    findings.push({
      check: 'inotify',
      severity: 'error',
      message: `${need}, over the limit of ${limits.maxUserWatches} per user: watching fails (ENOSPC) and ${fallback}`,
      fix: raiseWatches,
    });
  else if (needed + held > limits.maxUserWatches)
    findings.push({
      check: 'inotify',
      severity: 'warn',
      message: `${need}; with ${heldText}, the limit of ${limits.maxUserWatches} per user may be reached, and ${fallback}`,
      fix: raiseWatches,
    });
  else
    findings.push({
      check: 'inotify',
      severity: 'ok',
      message: `${need}; the limit is ${limits.maxUserWatches} per user (${heldText})`,
    });

  if (inUse && inUse.instances >= limits.maxUserInstances)
    findings.push({
      check: 'inotify',
      severity: 'warn',
      message: `all ${limits.maxUserInstances} inotify instances of ${user} are in use: a pycron starting now cannot watch its jobs folder, and ${fallback}`,
      fix: `echo 'fs.inotify.max_user_instances = ${COMFORTABLE_INSTANCES}' | sudo tee -a ${SYSCTL_FILE} && sudo sysctl --system`,
    });
  return findings;
}

function nextPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(n, 1)));
}

function minutes(ms: number): string {
  const value = ms / 60_000;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} minute${value === 1 ? '' : 's'}`;
}
