// Stopping a run means stopping its whole process group (the job and everything it started): SIGTERM, a grace
// to clean up, then SIGKILL. Used by timeouts, shutdown and crash recovery alike.
import { setTimeout as sleep } from 'node:timers/promises';
import { isGroupAlive } from './process-identity.ts';

const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 50;
/** After SIGKILL a process can still linger a moment (uninterruptible I/O); don't wait for it for ever. */
const AFTER_KILL_WAIT_MS = 2_000;

/**
 * Sends SIGTERM to group `pid` and waits up to `graceMs` for it to be gone; if it is not, sends SIGKILL.
 * `forced` tells whether SIGKILL was needed. A group that is already gone resolves at once with forced: false.
 */
export async function terminateGroup(pid: number, graceMs: number): Promise<{ forced: boolean }> {
  // NOTE: never signal -0 or -1 (our own group, every process): a pid read back from a damaged state file could be.
  if (!Number.isSafeInteger(pid) || pid <= 1) return { forced: false };
  if (!signalGroup(pid, 'SIGTERM')) return { forced: false };
  if (await waitUntilGone(pid, graceMs)) return { forced: false };
  if (!signalGroup(pid, 'SIGKILL')) return { forced: false };
  await waitUntilGone(pid, AFTER_KILL_WAIT_MS);
  return { forced: true };
}

/** False when the group no longer exists (ESRCH) or cannot be signalled. */
function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let pollMs = FIRST_POLL_MS;
  // Polls back off so a group that ignores SIGTERM costs little during a long grace.
  while (isGroupAlive(pgid)) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(pollMs, left));
    pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
  }
  return true;
}
