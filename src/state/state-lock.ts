// One service per state file: two services sharing one would both run every job. The lock is a file beside the
// state file naming the holder's pid and /proc start time; a lock whose holder is gone (kill -9) is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { PycronError } from '../errors.ts';
import { isSameProcess, readProcessStartTicks } from '../runner/process-identity.ts';

export interface StateLock {
  readonly file: string;
  release(): void;
}

interface LockContent {
  pid: number;
  startTicks?: number;
}

export function acquireStateLock(stateFile: string): StateLock {
  const file = `${stateFile}.lock`;
  const mine: LockContent = { pid: process.pid, ...optionalTicks(readProcessStartTicks(process.pid)) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, `${JSON.stringify(mine)}\n`);
      } finally {
        closeSync(fd);
      }
      return { file, release: () => releaseIfMine(file, mine) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new PycronError('IO_FAILED', {
          where: { file },
          reason: `cannot create the state lock: ${(error as Error).message}`,
          cause: error,
        });
      }
    }
    const holder = readLock(file);
    if (holder && holder.pid !== process.pid && isHolderAlive(holder)) {
      throw new PycronError('STATE_LOCKED', {
        reason: `another pycron (pid ${holder.pid}) is using the state file ${stateFile}; stop it first, or give this one its own PERSISTENCE_FILE`,
      });
    }
    // The holder is gone (or the lock is unreadable): a stale lock, left by a crash. Take it over.
    try {
      unlinkSync(file);
    } catch {
      // removed meanwhile by someone else: try again
    }
  }
  throw new PycronError('STATE_LOCKED', {
    reason: `could not take the state lock ${file}; another pycron is starting`,
  });
}

function isHolderAlive(holder: LockContent): boolean {
  if (holder.startTicks !== undefined) return isSameProcess(holder.pid, holder.startTicks);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockContent | undefined {
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockContent>;
    if (typeof content.pid !== 'number' || !Number.isSafeInteger(content.pid) || content.pid <= 1) return undefined;
    return {
      pid: content.pid,
      ...optionalTicks(typeof content.startTicks === 'number' ? content.startTicks : undefined),
    };
  } catch {
    return undefined;
  }
}

function releaseIfMine(file: string, mine: LockContent): void {
  const holder = readLock(file);
  if (holder?.pid !== mine.pid) return;
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

function optionalTicks(ticks: number | undefined): { startTicks?: number } {
  return ticks === undefined ? {} : { startTicks: ticks };
}
