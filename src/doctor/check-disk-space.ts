// Room for the status log? Each run appends its output (up to OUTPUT_CAPTURE_BYTES twice) to LOGS_FOLDER; a full
// file system loses records, and the state file (written beside) fails to save.
import path from 'node:path';
import type { Finding } from './finding.ts';
import type { SystemFacts } from './system-facts.ts';

const MIB = 1024 * 1024;
const ERROR_BELOW_BYTES = 50 * MIB;
const WARN_BELOW_BYTES = 500 * MIB;
const WARN_BELOW_SHARE = 0.05;
const WARN_BELOW_INODES = 1000;

export function checkDiskSpace(facts: SystemFacts, logsFolder: string, retentionDays: number): Finding {
  let existing = logsFolder;
  while (!facts.path(existing).exists && existing !== path.dirname(existing)) existing = path.dirname(existing);
  const space = facts.freeSpace(existing);
  if (!space)
    return {
      check: 'disk',
      severity: 'warn',
      message: `cannot read the free space of the file system holding ${logsFolder}`,
      fix: `df -h ${existing}`,
    };
  const where = `the file system of ${logsFolder}`;
  const free = `${formatBytes(space.availableBytes)} free of ${formatBytes(space.totalBytes)}`;
  const fix = `free space on ${where} (df -h ${existing}), or keep fewer days of logs (STATUS_LOG_RETENTION_DAYS, now ${retentionDays}) or less output per run (OUTPUT_CAPTURE_BYTES)`;
  if (space.availableBytes < ERROR_BELOW_BYTES)
    return {
      check: 'disk',
      severity: 'error',
      message: `${where} has ${free}: runs will soon fail to be recorded`,
      fix,
    };
  if (space.totalInodes > 0 && space.availableInodes < WARN_BELOW_INODES)
    return {
      check: 'disk',
      severity: 'warn',
      message: `${where} has ${space.availableInodes} free inodes left: new files (daily logs, the state file) will fail`,
      fix: `delete small files on ${where} (df -i ${existing})`,
    };
  if (space.availableBytes < WARN_BELOW_BYTES || space.availableBytes < space.totalBytes * WARN_BELOW_SHARE)
    return { check: 'disk', severity: 'warn', message: `${where} is nearly full: ${free}`, fix };
  return { check: 'disk', severity: 'ok', message: `${where}: ${free}` };
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
