// Can the service use its folders as the user it runs as, and can nobody else slip a job in? A logs folder it cannot
// write loses every record; a jobs folder anyone can write runs anyone's program as the service's user.
import path from 'node:path';
import type { Settings } from '../config/settings.ts';
import { isIgnoredChange } from '../jobs/folder-watches.ts';
import type { Finding } from './finding.ts';
import type { PathFacts, SystemFacts } from './system-facts.ts';

const WORLD_WRITABLE = 0o002;
const LISTED_AT_MOST = 5;

type Paths = Pick<Settings, 'jobsFolder' | 'logsFolder' | 'stateFile'>;

export function checkPaths(facts: SystemFacts, paths: Paths): Finding[] {
  const user = facts.user().name;
  return [
    checkJobsFolder(facts, paths.jobsFolder, user),
    checkLogsFolder(facts, paths.logsFolder, user),
    checkStateFile(facts, paths.stateFile, user),
  ];
}

function checkJobsFolder(facts: SystemFacts, folder: string, user: string): Finding {
  const info = facts.path(folder);
  if (!info.exists) {
    const missing = creatableOrNot(facts, folder, user, 'the jobs folder');
    if (missing.severity === 'error') return missing;
    return {
      check: 'paths',
      severity: 'warn',
      message: `the jobs folder ${folder} does not exist, so there are no jobs (the service creates it at start-up)`,
      fix: `mkdir -p ${folder}, or check JOBS_FOLDER in config.ini`,
    };
  }
  const unusable = notAFolderOrUnreadable(info, folder, user, 'the jobs folder', 'no job can be loaded');
  if (unusable) return unusable;
  if (info.mode & WORLD_WRITABLE)
    return {
      check: 'paths',
      severity: 'error',
      message: `the jobs folder ${folder} is writable by every user (mode ${octal(info.mode)}): anyone on this host can add a job, which runs as ${user}`,
      fix: `sudo chmod o-w ${folder}`,
    };
  const open = (facts.subfolders(folder) ?? [])
    .filter((name) => !isIgnoredChange(name))
    .sort()
    .filter((name) => {
      const sub = facts.path(path.join(folder, name));
      return sub.exists && (sub.mode & WORLD_WRITABLE) !== 0;
    });
  if (open.length > 0) {
    const shown =
      open.slice(0, LISTED_AT_MOST).join(', ') + (open.length > LISTED_AT_MOST ? `, ... (${open.length} in all)` : '');
    return {
      check: 'paths',
      severity: 'error',
      message: `job folders writable by every user in ${folder}: ${shown}; anyone on this host can change what they run as ${user}`,
      fix: `sudo chmod o-w ${open.map((name) => path.join(folder, name)).join(' ')}`,
    };
  }
  return {
    check: 'paths',
    severity: 'ok',
    message: `the jobs folder ${folder} is readable by ${user} and not writable by others`,
  };
}

function checkLogsFolder(facts: SystemFacts, folder: string, user: string): Finding {
  const info = facts.path(folder);
  if (!info.exists) return creatableOrNot(facts, folder, user, 'the logs folder');
  const unusable = notAFolderOrUnreadable(info, folder, user, 'the logs folder', 'pycron runs cannot read the history');
  if (unusable) return unusable;
  if (!info.writable)
    return {
      check: 'paths',
      severity: 'error',
      message: `${user} cannot write the logs folder ${folder}: no run can be recorded in job_status.log`,
      fix: `sudo chown ${user} ${folder} (or run the service as the folder's owner)`,
    };
  return { check: 'paths', severity: 'ok', message: `the logs folder ${folder} is writable by ${user}` };
}

function checkStateFile(facts: SystemFacts, file: string, user: string): Finding {
  const folder = path.dirname(file);
  const folderInfo = facts.path(folder);
  if (!folderInfo.exists) return creatableOrNot(facts, folder, user, "the state file's folder");
  if (!folderInfo.isDirectory || !folderInfo.writable)
    return {
      check: 'paths',
      severity: 'error',
      message: `${user} cannot create files in ${folder}: the state file ${path.basename(file)} is saved as a new file renamed over the old one, so its folder must be writable; next runs and failure counts would be lost`,
      fix: `sudo chown ${user} ${folder}, or set PERSISTENCE_FILE in config.ini to a file in a folder ${user} can write`,
    };
  const info = facts.path(file);
  if (info.exists && (info.isDirectory || !info.readable || !info.writable))
    return {
      check: 'paths',
      severity: 'error',
      message: info.isDirectory
        ? `the state file ${file} is a folder`
        : `${user} cannot ${info.readable ? 'write' : 'read'} the state file ${file}`,
      fix: info.isDirectory ? `remove the folder, or set PERSISTENCE_FILE to a file` : `sudo chown ${user} ${file}`,
    };
  return {
    check: 'paths',
    severity: 'ok',
    message: `the state file ${file} ${info.exists ? 'and its folder are' : 'can be created; its folder is'} writable by ${user}`,
  };
}

/** A missing folder: fine when the user can create it (the service does at start-up), an error otherwise. */
function creatableOrNot(facts: SystemFacts, folder: string, user: string, what: string): Finding {
  let ancestor = path.dirname(folder);
  let info = facts.path(ancestor);
  while (!info.exists && ancestor !== path.dirname(ancestor)) {
    ancestor = path.dirname(ancestor);
    info = facts.path(ancestor);
  }
  if (info.exists && info.isDirectory && info.writable)
    return {
      check: 'paths',
      severity: 'ok',
      message: `${what} ${folder} does not exist yet; the service creates it at start-up`,
    };
  return {
    check: 'paths',
    severity: 'error',
    message: `${what} ${folder} does not exist and ${user} cannot create it (${ancestor} is not writable): the service will not start`,
    fix: `sudo mkdir -p ${folder} && sudo chown ${user} ${folder}`,
  };
}

function notAFolderOrUnreadable(
  info: Extract<PathFacts, { exists: true }>,
  folder: string,
  user: string,
  what: string,
  consequence: string,
): Finding | undefined {
  if (!info.isDirectory)
    return {
      check: 'paths',
      severity: 'error',
      message: `${what} ${folder} is a file, not a folder`,
      fix: `move the file away, then mkdir ${folder}`,
    };
  if (!info.readable)
    return {
      check: 'paths',
      severity: 'error',
      message: `${user} cannot list ${what} ${folder} (mode ${octal(info.mode)}): ${consequence}`,
      fix: `sudo chown ${user} ${folder} (or run the service as the folder's owner)`,
    };
  return undefined;
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}
