// The host as `pycron doctor` sees it: /proc, access(2), statfs(2), timedatectl or adjtimex, ICU and zoneinfo.
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statfsSync,
  statSync,
} from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import type { ClockSync, PathFacts, SystemFacts } from './system-facts.ts';

const COMMAND_TIMEOUT_MS = 3000;
const ADJTIMEX = '/usr/bin/adjtimex';
/** adjtimex(2) status bit: the kernel clock is not synchronised (STA_UNSYNC). */
const STA_UNSYNC = 0x40;
const ZONEINFO = '/usr/share/zoneinfo';

export const realSystemFacts: SystemFacts = {
  user() {
    const uid = process.getuid?.() ?? -1;
    let name = String(uid);
    try {
      name = userInfo().username;
    } catch {
      // a uid without a passwd entry (containers): the number will do
    }
    return { uid, name };
  },

  nodeVersion: () => process.versions.node,

  inotifyLimits() {
    const read = (name: string): number => Number(readFileSync(`/proc/sys/fs/inotify/${name}`, 'utf8').trim());
    try {
      const limits = { maxUserWatches: read('max_user_watches'), maxUserInstances: read('max_user_instances') };
      return Number.isFinite(limits.maxUserWatches) && Number.isFinite(limits.maxUserInstances) ? limits : undefined;
    } catch {
      return undefined;
    }
  },

  inotifyInUse() {
    const uid = process.getuid?.();
    if (uid === undefined || !existsSync('/proc/self/fdinfo')) return undefined;
    let watches = 0;
    let instances = 0;
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        if (statSync(`/proc/${pid}`).uid !== uid) continue;
        for (const fd of readdirSync(`/proc/${pid}/fd`)) {
          if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:inotify') continue;
          instances++;
          const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
          watches += info.split('\n').filter((line) => line.startsWith('inotify wd:')).length;
        }
      } catch {
        // the process ended meanwhile, or its fds are not ours to read
      }
    }
    return { watches, instances };
  },

  path(target) {
    let stats;
    try {
      stats = statSync(target);
    } catch {
      return { exists: false };
    }
    const isDirectory = stats.isDirectory();
    const enter = isDirectory ? constants.X_OK : 0;
    return {
      exists: true,
      isDirectory,
      mode: stats.mode & 0o7777,
      readable: canAccess(target, constants.R_OK | enter),
      writable: canAccess(target, constants.W_OK | enter),
    } satisfies PathFacts;
  },

  subfolders(folder) {
    try {
      return readdirSync(folder, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() || (entry.isSymbolicLink() && isFolder(path.join(folder, entry.name))))
        .map((entry) => entry.name);
    } catch {
      return undefined;
    }
  },

  clockSync: readClockSync,

  freeSpace(target) {
    try {
      const fs = statfsSync(target);
      return {
        availableBytes: fs.bavail * fs.bsize,
        totalBytes: fs.blocks * fs.bsize,
        availableInodes: fs.ffree,
        totalInodes: fs.files,
      };
    } catch {
      return undefined;
    }
  },

  supportsZone(zone) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },

  icuZoneDataVersion: () => process.versions.tz,

  systemZoneinfo() {
    if (!isFolder(ZONEINFO) || !existsSync(path.join(ZONEINFO, 'UTC'))) return { present: false };
    let version: string | undefined;
    try {
      // tzdata.zi opens with "# version 2025b"
      version = /^# version (\S+)/.exec(readFileSync(path.join(ZONEINFO, 'tzdata.zi'), 'utf8').slice(0, 64))?.[1];
    } catch {
      version = undefined;
    }
    return { present: true, folder: ZONEINFO, version };
  },
};

/** timedatectl where systemd runs; else the kernel's own flag through adjtimex; else honestly unknown. */
function readClockSync(): ClockSync {
  const timedatectl = spawnSync('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], {
    encoding: 'utf8',
    timeout: COMMAND_TIMEOUT_MS,
  });
  const answer = timedatectl.stdout?.trim();
  if (timedatectl.status === 0 && (answer === 'yes' || answer === 'no'))
    return { state: answer === 'yes' ? 'synchronised' : 'not-synchronised', source: 'timedatectl' };
  const timedatectlProblem =
    timedatectl.error !== undefined
      ? 'timedatectl is not installed'
      : `timedatectl failed: ${firstLine(timedatectl.stderr) || `exit ${timedatectl.status}`}`;

  if (existsSync(ADJTIMEX)) {
    const adjtimex = spawnSync(ADJTIMEX, ['--print'], { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS });
    const status = /^\s*status:\s*(\d+)/m.exec(adjtimex.stdout ?? '')?.[1];
    if (adjtimex.status === 0 && status !== undefined)
      return {
        state: (Number(status) & STA_UNSYNC) === 0 ? 'synchronised' : 'not-synchronised',
        source: `${ADJTIMEX} (kernel status ${status})`,
      };
    return { state: 'unknown', reason: `${timedatectlProblem}, and ${ADJTIMEX} --print gave no status` };
  }
  return { state: 'unknown', reason: `${timedatectlProblem}, and ${ADJTIMEX} is not installed` };
}

function firstLine(text: string | undefined): string {
  return ((text ?? '').trim().split('\n')[0] ?? '').replace(/\.$/, '');
}

function canAccess(target: string, mode: number): boolean {
  try {
    accessSync(target, mode);
    return true;
  } catch {
    return false;
  }
}

function isFolder(target: string): boolean {
  try {
    return statSync(target).isDirectory();
  } catch {
    return false;
  }
}
