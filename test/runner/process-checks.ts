// Test helpers around real processes: where the fixture jobs are, and whether a pid is gone.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURE_JOBS = fileURLToPath(new URL('../fixtures/jobs/', import.meta.url));

export function fixture(name: string): string {
  return FIXTURE_JOBS + name;
}

/**
 * The process no longer runs: kill(pid, 0) says ESRCH, or it is a zombie waiting for an init that reaps slowly
 * (in some containers pid 1 reaps orphans only every few seconds). A zombie holds no pipes and runs nothing.
 */
export function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Best-effort cleanup of a group a test left running. */
export function killGroup(pid: number | null | undefined): void {
  if (!pid || pid <= 1) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
