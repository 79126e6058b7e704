// What `pycron doctor` reads from the host, behind one interface: the real host (real-system-facts.ts) in use, a
// table of facts in the tests, so that each finding can be driven without changing the machine.

/** A path as the current user sees it. */
export type PathFacts =
  | { exists: false }
  | {
      exists: true;
      isDirectory: boolean;
      /** Permission bits (mode & 0o7777). */
      mode: number;
      /** Readable, and for a folder listable (R_OK, plus X_OK for a folder), by the current user. */
      readable: boolean;
      /** Writable, and for a folder one can create files in (W_OK, plus X_OK for a folder), by the current user. */
      writable: boolean;
    };

export type ClockSync =
  { state: 'synchronised' | 'not-synchronised'; source: string } | { state: 'unknown'; reason: string };

export interface SystemFacts {
  /** The user this process runs as, as the service would when started the same way. */
  user(): { uid: number; name: string };
  nodeVersion(): string;
  /** fs.inotify.max_user_watches and max_user_instances; undefined when they cannot be read (not Linux). */
  inotifyLimits(): { maxUserWatches: number; maxUserInstances: number } | undefined;
  /** inotify watches and instances held by the current user's processes that can be inspected. */
  inotifyInUse(): { watches: number; instances: number } | undefined;
  path(target: string): PathFacts;
  /** Names of the folders (and links to folders) directly in `folder`; undefined when it cannot be listed. */
  subfolders(folder: string): string[] | undefined;
  clockSync(): ClockSync;
  /** Space left for the current user on the file system holding `target` (which exists). */
  freeSpace(
    target: string,
  ): { availableBytes: number; totalBytes: number; availableInodes: number; totalInodes: number } | undefined;
  /** Whether Node's ICU knows the IANA zone, and its time zone data version. */
  supportsZone(zone: string): boolean;
  icuZoneDataVersion(): string | undefined;
  /** The system's zoneinfo database (used by the jobs' own programs, not by pycron). */
  systemZoneinfo(): { present: false } | { present: true; folder: string; version: string | undefined };
}
