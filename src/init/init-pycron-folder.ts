// `pycron init`: lays out a pycron installation under a prefix (config.ini, jobs/ with one example job, logs/).
// Invariant: nothing that exists is changed. Each item is created with an exclusive create (mkdir, open 'wx'), so
// an item that appears meanwhile is skipped too, never overwritten.
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PycronError } from '../errors.ts';
import { describeFsError } from './describe-fs-error.ts';
import { EXAMPLE_JOB } from './example-job.ts';
import { pycronFolderPaths } from './pycron-folder-paths.ts';
import { renderConfigIni } from './render-config-ini.ts';

export interface InitStep {
  /** Absolute path; folders end with `/`. */
  path: string;
  /** What it is, for the report (`the example job heartbeat, every 5 minutes`). */
  what: string;
}

export interface InitOutcome {
  created: InitStep[];
  skipped: InitStep[];
}

export function initPycronFolder(prefix: string, version: string): InitOutcome {
  const root = path.resolve(prefix);
  const paths = pycronFolderPaths(root);
  const outcome: InitOutcome = { created: [], skipped: [] };
  // Rendered first: a prefix that cannot be written in config.ini stops init before anything is created.
  const configText = renderConfigIni(root, version);

  if (!isFolder(root)) {
    if (!attempt('create', root, () => mkdirSync(root, { recursive: true, mode: 0o755 })))
      throw new PycronError('IO_FAILED', { reason: `cannot create ${root}/: a file of that name exists` });
    outcome.created.push({ path: `${root}/`, what: 'the pycron folder' });
  }

  const configWritten = attempt('write', paths.config, () =>
    writeFileSync(paths.config, configText, { flag: 'wx', mode: 0o644 }),
  );
  (configWritten ? outcome.created : outcome.skipped).push({
    path: paths.config,
    what: configWritten ? 'the configuration, every key commented with its default' : 'it exists and is left as it is',
  });

  if (attempt('create', paths.jobs, () => mkdirSync(paths.jobs, { mode: 0o755 }))) {
    const jobFolder = path.join(paths.jobs, EXAMPLE_JOB.name);
    attempt('create', jobFolder, () => mkdirSync(jobFolder, { mode: 0o755 }));
    for (const file of EXAMPLE_JOB.files) {
      const target = path.join(jobFolder, file.name);
      attempt('write', target, () => {
        writeFileSync(target, file.text, { flag: 'wx', mode: file.mode });
        chmodSync(target, file.mode); // the umask may have taken the exec bit
      });
    }
    outcome.created.push({ path: `${paths.jobs}/`, what: 'the jobs folder' });
    outcome.created.push({
      path: `${jobFolder}/`,
      what: `the example job ${EXAMPLE_JOB.name}, ${EXAMPLE_JOB.rhythm}`,
    });
  } else {
    outcome.skipped.push({
      path: `${paths.jobs}/`,
      what: 'it exists and is left as it is (no example job added)',
    });
  }

  const logsCreated = attempt('create', paths.logs, () => mkdirSync(paths.logs, { mode: 0o755 }));
  (logsCreated ? outcome.created : outcome.skipped).push({
    path: `${paths.logs}/`,
    what: logsCreated ? 'the logs folder (job_status.log)' : 'it exists and is left as it is',
  });
  return outcome;
}

/** Runs one exclusive create: true when it created, false when the item exists; any other failure throws. */
function attempt(action: 'create' | 'write', target: string, create: () => void): boolean {
  try {
    create();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new PycronError('IO_FAILED', { reason: describeFsError(action, target, error), cause: error });
  }
}

function isFolder(target: string): boolean {
  try {
    return statSync(target).isDirectory();
  } catch {
    return false;
  }
}
