// SystemFacts from a table: a healthy host by default, and each test changes the one fact its finding is about.
import path from 'node:path';
import type { ClockSync, PathFacts, SystemFacts } from '../../src/doctor/system-facts.ts';

export interface MemoryHost {
  user: { uid: number; name: string };
  nodeVersion: string;
  inotifyLimits: { maxUserWatches: number; maxUserInstances: number } | undefined;
  inotifyInUse: { watches: number; instances: number } | undefined;
  /** Absolute path -> facts; a path not listed does not exist. */
  paths: Map<string, PathFacts>;
  clock: ClockSync;
  free: { availableBytes: number; totalBytes: number; availableInodes: number; totalInodes: number } | undefined;
  zones: Set<string>;
  icuVersion: string | undefined;
  zoneinfo: ReturnType<SystemFacts['systemZoneinfo']>;
}

const GIB = 1024 ** 3;

type ExistingPath = Extract<PathFacts, { exists: true }>;

export const FOLDER: ExistingPath = { exists: true, isDirectory: true, mode: 0o755, readable: true, writable: true };
export const FILE: ExistingPath = { exists: true, isDirectory: false, mode: 0o644, readable: true, writable: true };

/** /etc/pycron with jobs/ (holding `folders`), logs/ and the state file, all owned by root. */
export function healthyHost(folders: readonly string[] = ['backup']): MemoryHost {
  const paths = new Map<string, PathFacts>([
    ['/', FOLDER],
    ['/etc', FOLDER],
    ['/etc/pycron', FOLDER],
    ['/etc/pycron/jobs', FOLDER],
    ['/etc/pycron/logs', FOLDER],
    ['/etc/pycron/persistence.json', FILE],
  ]);
  for (const name of folders) paths.set(path.join('/etc/pycron/jobs', name), FOLDER);
  return {
    user: { uid: 0, name: 'root' },
    nodeVersion: '20.19.1',
    inotifyLimits: { maxUserWatches: 8192, maxUserInstances: 128 },
    inotifyInUse: { watches: 100, instances: 3 },
    paths,
    clock: { state: 'synchronised', source: 'timedatectl' },
    free: { availableBytes: 20 * GIB, totalBytes: 50 * GIB, availableInodes: 1_000_000, totalInodes: 3_000_000 },
    zones: new Set(['UTC', 'Europe/Berlin', 'America/Sao_Paulo']),
    icuVersion: '2025c',
    zoneinfo: { present: true, folder: '/usr/share/zoneinfo', version: '2025c' },
  };
}

export function memorySystemFacts(host: MemoryHost): SystemFacts {
  return {
    user: () => host.user,
    nodeVersion: () => host.nodeVersion,
    inotifyLimits: () => host.inotifyLimits,
    inotifyInUse: () => host.inotifyInUse,
    path: (target) => host.paths.get(target) ?? { exists: false },
    subfolders(folder) {
      const info = host.paths.get(folder);
      if (!info?.exists || !info.isDirectory) return undefined;
      return [...host.paths.entries()]
        .filter(([p, facts]) => path.dirname(p) === folder && p !== folder && facts.exists && facts.isDirectory)
        .map(([p]) => path.basename(p));
    },
    clockSync: () => host.clock,
    freeSpace: () => host.free,
    supportsZone: (zone) => host.zones.has(zone),
    icuZoneDataVersion: () => host.icuVersion,
    systemZoneinfo: () => host.zoneinfo,
  };
}
