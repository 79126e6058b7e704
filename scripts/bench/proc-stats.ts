// Reads a process's CPU time, context switches and memory from /proc (Linux only), for the idle and flood benchmarks.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second for /proc/PID/stat times (`getconf CLK_TCK`, almost always 100). */
export const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime of the whole process (all threads), in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // NOTE: the command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS;
}

export interface ContextSwitches {
  /** Voluntary + involuntary switches of the main thread only (/proc/PID/status). */
  mainThread: number;
  /** Summed over every thread alive at the time of reading (/proc/PID/task/TID/status). */
  allThreads: number;
  threads: number;
  /** Per thread id: its name (/proc/PID/task/TID/comm) and switch count. */
  byThread: Record<string, { name: string; switches: number }>;
}

function switchesIn(statusText: string): number {
  const voluntary = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(statusText);
  const involuntary = /^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(statusText);
  return Number(voluntary?.[1] ?? 0) + Number(involuntary?.[1] ?? 0);
}

export function contextSwitches(pid: number): ContextSwitches {
  const mainThread = switchesIn(readFileSync(`/proc/${pid}/status`, 'utf8'));
  let allThreads = 0;
  let threads = 0;
  const byThread: ContextSwitches['byThread'] = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const switches = switchesIn(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
      byThread[tid] = { name: readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(), switches };
      allThreads += switches;
      threads++;
    } catch {
      // the thread ended between listing and reading
    }
  }
  return { mainThread, allThreads, threads, byThread };
}

/** Resident set size in MiB (VmRSS), or NaN when the process is gone. */
export function rssMiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Switches per second of each thread between two readings, busiest first, as "name (tid): rate". */
export function switchesByThread(before: ContextSwitches, after: ContextSwitches, seconds: number): string[] {
  return Object.entries(after.byThread)
    .map(([tid, t]) => ({
      label: `${t.name} (${tid})`,
      rate: (t.switches - (before.byThread[tid]?.switches ?? 0)) / seconds,
    }))
    .filter((t) => t.rate > 0)
    .sort((a, b) => b.rate - a.rate)
    .map((t) => `${t.label}: ${t.rate.toFixed(2)}/s`);
}
