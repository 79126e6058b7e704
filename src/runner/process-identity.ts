// Linux /proc helpers that tell whether a pid recorded before a crash is still the same run: boot id, start time,
// environment. Every helper answers undefined/false on any error (no /proc, no permission, gone) and never throws.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessStat {
  /** One letter: R running, S sleeping, D disk wait, Z zombie, T stopped, ... */
  state: string;
  pgrp: number;
  /** Start time in clock ticks since boot (field 22): with the boot id, it names one process for good. */
  startTicks: number;
}

/** This boot's id; a recorded pid from another boot names some other process. */
export function readBootId(): string | undefined {
  try {
    const id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return id === '' ? undefined : id;
  } catch {
    return undefined;
  }
}

/** Fields of /proc/PID/stat that identify a process. */
export function readProcessStat(pid: number): ProcessStat | undefined {
  if (!isValidPid(pid)) return undefined;
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) sits in parentheses and may itself hold spaces and ')': split after the LAST ')'.
    const close = text.lastIndexOf(')');
    if (close < 0) return undefined;
    const fields = text.slice(close + 2).split(' '); // fields[0] is field 3 (state)
    const state = fields[0];
    const pgrp = Number(fields[5 - 3]);
    const startTicks = Number(fields[22 - 3]);
    if (!state || !Number.isSafeInteger(pgrp) || !Number.isSafeInteger(startTicks)) return undefined;
    return { state, pgrp, startTicks };
  } catch {
    return undefined;
  }
}

export function readProcessStartTicks(pid: number): number | undefined {
  return readProcessStat(pid)?.startTicks;
}

/** A variable from the environment the process was started with (/proc/PID/environ). */
export function readProcessEnvVar(pid: number, name: string): string | undefined {
  if (!isValidPid(pid)) return undefined;
  try {
    const prefix = `${name}=`;
    const entry = readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .find((item) => item.startsWith(prefix));
    return entry?.slice(prefix.length);
  } catch {
    return undefined;
  }
}

/** The process `pid` is still the one that started at `startTicks`, and has not exited (a zombie has). */
export function isSameProcess(pid: number, startTicks: number): boolean {
  const stat = readProcessStat(pid);
  return stat !== undefined && stat.startTicks === startTicks && stat.state !== 'Z';
}

/**
 * Some process of group `pgid` is still running. Zombies don't count: they hold no pipes and run nothing, and an
 * init that reaps slowly (containers) would otherwise keep a finished group "alive" for seconds or for ever.
 */
export function isGroupAlive(pgid: number): boolean {
  if (!isValidPid(pgid)) return false;
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    // EPERM: the group exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // Cheap case first: the leader itself is still running.
  const leader = readProcessStat(pgid);
  if (leader && leader.pgrp === pgid && leader.state !== 'Z') return true;
  return hasLiveMember(pgid);
}

function hasLiveMember(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true; // no /proc to look into: trust kill(-pgid, 0)
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue; // not a pid folder
    const stat = readProcessStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z') return true;
  }
  return false;
}

/** Never 0 or 1, nor negative: kill(-0) signals our own group and kill(-1) every process we may signal. */
function isValidPid(pid: number): boolean {
  return Number.isSafeInteger(pid) && pid > 1;
}
