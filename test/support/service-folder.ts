// A temporary pycron installation for end-to-end tests: config.ini, jobs/, logs/, state.json.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ServiceFolder {
  root: string;
  config: string;
  jobs: string;
  logs: string;
  state: string;
}

/**
 * `http`: the [HTTP] section's lines; by default the API is off, since tests run side by side and none may take the
 * default port (tests of the API listen on 127.0.0.1:0 and read the port from the service log).
 */
export function writeServiceFolder(root: string, extraConfig = '', http = ['LISTEN = off']): ServiceFolder {
  const folder: ServiceFolder = {
    root,
    config: join(root, 'config.ini'),
    jobs: join(root, 'jobs'),
    logs: join(root, 'logs'),
    state: join(root, 'state.json'),
  };
  mkdirSync(folder.jobs, { recursive: true });
  writeFileSync(
    folder.config,
    [
      '[Timings]',
      'CHECK_FOR_NEW_JOBS_EVERY = 15',
      'JOB_FAIL_TIMEOUT_PERIOD_MINUTES = 5',
      'SHUTDOWN_GRACE_SECONDS = 5',
      'KILL_GRACE_SECONDS = 1',
      '[Folders]',
      'JOBS_FOLDER = jobs',
      'LOGS_FOLDER = logs',
      'PERSISTENCE_FILE = state.json',
      '[HTTP]',
      ...http,
      '[Logging]',
      'LOG_LEVEL = DEBUG',
      extraConfig,
    ].join('\n'),
  );
  return folder;
}

/** Writes an executable script (a `#!/bin/sh` body) at `path`, creating folders. */
export function writeScript(path: string, body: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** Writes a job folder: `schedule` file and `run.sh`. */
export function writeJobFolder(jobs: string, name: string, schedule: string, body: string): string {
  const dir = join(jobs, name);
  mkdirSync(dir, { recursive: true });
  writeScript(join(dir, 'run.sh'), body);
  writeFileSync(join(dir, 'schedule'), `${schedule}\n`);
  return dir;
}
