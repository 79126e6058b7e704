// job.ini `user =`: which uid and gid a job's runs get. Only root can switch users, so another user is refused (with
// the reason) when pycron runs as anyone else; naming pycron's own user is allowed and changes nothing.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Parsed } from '../config/setting-values.ts';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

/** The system seen from pycron: its own uid, and the user database. Tests inject their own. */
export interface UserLookup {
  /** pycron's effective uid. */
  euid(): number;
  /** The passwd entry for a user name or a numeric uid; undefined when there is none. */
  find(nameOrUid: string): PasswdEntry | undefined;
}

// A name getent cannot mistake for an option, and that no passwd line could hide a ':' in.
const USER_NAME = /^(?:[A-Za-z_][A-Za-z0-9_.-]*\$?|\d+)$/;
const EXPECTED = 'a user name or numeric uid known to the system (getent passwd)';

/**
 * The user a job runs as: undefined for pycron's own user (nothing to switch). Pure given `lookup`.
 * Invariant: a user other than pycron's own is only given back when pycron runs as root.
 */
export function resolveRunAsUser(raw: string, lookup: UserLookup): Parsed<PasswdEntry | undefined> {
  const text = raw.trim();
  const entry = USER_NAME.test(text) ? lookup.find(text) : undefined;
  if (!entry) return { ok: false, expected: EXPECTED };
  const euid = lookup.euid();
  if (entry.uid === euid) return { ok: true, value: undefined };
  if (euid !== 0) {
    const own = lookup.find(String(euid))?.name;
    return {
      ok: false,
      expected: `pycron's own user (${own ? `${own}, ` : ''}uid ${euid}): only a pycron running as root can run jobs as another user`,
    };
  }
  return { ok: true, value: entry };
}

/** How long a lookup is trusted: a rescan of 10,000 jobs asks once per name, and a new user is seen soon. */
const CACHE_MS = 30_000;
const cache = new Map<string, { entry: PasswdEntry | undefined; at: number }>();

/** The real system: `getent passwd` (LDAP and the like included), else /etc/passwd. Cached for 30 s. */
export const systemUserLookup: UserLookup = {
  euid: () => process.geteuid?.() ?? -1,
  find(nameOrUid) {
    const cached = cache.get(nameOrUid);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.entry;
    const entry = findWithGetent(nameOrUid);
    if (cache.size > 1000) cache.clear();
    cache.set(nameOrUid, { entry, at: Date.now() });
    return entry;
  },
};

function findWithGetent(nameOrUid: string): PasswdEntry | undefined {
  try {
    const out = execFileSync('getent', ['passwd', nameOrUid], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return parsePasswdLine(out.split('\n')[0] ?? '');
  } catch (error) {
    // getent exits 2 for "no such user"; anything else (no getent here) falls back to the file.
    if ((error as { status?: number }).status === 2) return undefined;
    return findInPasswdFile(nameOrUid);
  }
}

function findInPasswdFile(nameOrUid: string): PasswdEntry | undefined {
  let text: string;
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  const numeric = /^\d+$/.test(nameOrUid);
  for (const line of text.split('\n')) {
    const entry = parsePasswdLine(line);
    if (entry && (numeric ? entry.uid === Number(nameOrUid) : entry.name === nameOrUid)) return entry;
  }
  return undefined;
}

/** `name:x:uid:gid:gecos:home:shell`. */
export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const [name, , uid, gid] = line.split(':');
  if (!name || !uid || !gid || !/^\d+$/.test(uid) || !/^\d+$/.test(gid)) return undefined;
  return { name, uid: Number(uid), gid: Number(gid) };
}
