import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPaths } from '../../src/doctor/check-paths.ts';
import { FILE, FOLDER, healthyHost, memorySystemFacts } from './memory-system-facts.ts';

const PATHS = {
  jobsFolder: '/etc/pycron/jobs',
  logsFolder: '/etc/pycron/logs',
  stateFile: '/etc/pycron/persistence.json',
};

test('a healthy layout: three ok findings that say what was checked', () => {
  assert.deepEqual(checkPaths(memorySystemFacts(healthyHost()), PATHS), [
    {
      check: 'paths',
      severity: 'ok',
      message: 'the jobs folder /etc/pycron/jobs is readable by root and not writable by others',
    },
    { check: 'paths', severity: 'ok', message: 'the logs folder /etc/pycron/logs is writable by root' },
    {
      check: 'paths',
      severity: 'ok',
      message: 'the state file /etc/pycron/persistence.json and its folder are writable by root',
    },
  ]);
});

test('a world-writable jobs folder is an error: anyone could add a job that runs as the service user', () => {
  const host = healthyHost();
  host.paths.set('/etc/pycron/jobs', { ...FOLDER, mode: 0o1777 });
  assert.deepEqual(checkPaths(memorySystemFacts(host), PATHS)[0], {
    check: 'paths',
    severity: 'error',
    message:
      'the jobs folder /etc/pycron/jobs is writable by every user (mode 01777): anyone on this host can add a job, which runs as root',
    fix: 'sudo chmod o-w /etc/pycron/jobs',
  });
});

test('world-writable job folders inside it are named, with one chmod for all', () => {
  const host = healthyHost(['backup', 'report', 'sync']);
  host.paths.set('/etc/pycron/jobs/report', { ...FOLDER, mode: 0o777 });
  host.paths.set('/etc/pycron/jobs/sync', { ...FOLDER, mode: 0o773 });
  assert.deepEqual(checkPaths(memorySystemFacts(host), PATHS)[0], {
    check: 'paths',
    severity: 'error',
    message:
      'job folders writable by every user in /etc/pycron/jobs: report, sync; anyone on this host can change what they run as root',
    fix: 'sudo chmod o-w /etc/pycron/jobs/report /etc/pycron/jobs/sync',
  });
});

test('a logs folder the user cannot write loses every record', () => {
  const host = healthyHost();
  host.user = { uid: 1000, name: 'pi' };
  host.paths.set('/etc/pycron/logs', { ...FOLDER, writable: false });
  assert.deepEqual(checkPaths(memorySystemFacts(host), PATHS)[1], {
    check: 'paths',
    severity: 'error',
    message: 'pi cannot write the logs folder /etc/pycron/logs: no run can be recorded in job_status.log',
    fix: "sudo chown pi /etc/pycron/logs (or run the service as the folder's owner)",
  });
});

test("the state file's folder must be writable, because the file is replaced by a rename", () => {
  const host = healthyHost();
  host.user = { uid: 1000, name: 'pi' };
  host.paths.set('/etc/pycron', { ...FOLDER, writable: false });
  assert.deepEqual(checkPaths(memorySystemFacts(host), PATHS)[2], {
    check: 'paths',
    severity: 'error',
    message:
      'pi cannot create files in /etc/pycron: the state file persistence.json is saved as a new file renamed over the old one, so its folder must be writable; next runs and failure counts would be lost',
    fix: 'sudo chown pi /etc/pycron, or set PERSISTENCE_FILE in config.ini to a file in a folder pi can write',
  });
});

test('a state file that cannot be read is an error; one not created yet is fine', () => {
  const host = healthyHost();
  host.paths.set('/etc/pycron/persistence.json', { ...FILE, readable: false });
  assert.deepEqual(checkPaths(memorySystemFacts(host), PATHS)[2], {
    check: 'paths',
    severity: 'error',
    message: 'root cannot read the state file /etc/pycron/persistence.json',
    fix: 'sudo chown root /etc/pycron/persistence.json',
  });
  host.paths.delete('/etc/pycron/persistence.json');
  assert.deepEqual(checkPaths(memorySystemFacts(host), PATHS)[2], {
    check: 'paths',
    severity: 'ok',
    message: 'the state file /etc/pycron/persistence.json can be created; its folder is writable by root',
  });
});

test('missing folders: created at start-up when the user can, an error when not', () => {
  const host = healthyHost();
  host.paths.delete('/etc/pycron/jobs');
  host.paths.delete('/etc/pycron/logs');
  const [jobs, logs] = checkPaths(memorySystemFacts(host), PATHS);
  assert.deepEqual(jobs, {
    check: 'paths',
    severity: 'warn',
    message:
      'the jobs folder /etc/pycron/jobs does not exist, so there are no jobs (the service creates it at start-up)',
    fix: 'mkdir -p /etc/pycron/jobs, or check JOBS_FOLDER in config.ini',
  });
  assert.deepEqual(logs, {
    check: 'paths',
    severity: 'ok',
    message: 'the logs folder /etc/pycron/logs does not exist yet; the service creates it at start-up',
  });

  host.user = { uid: 1000, name: 'pi' };
  host.paths.set('/etc/pycron', { ...FOLDER, writable: false });
  assert.deepEqual(checkPaths(memorySystemFacts(host), PATHS)[1], {
    check: 'paths',
    severity: 'error',
    message:
      'the logs folder /etc/pycron/logs does not exist and pi cannot create it (/etc/pycron is not writable): the service will not start',
    fix: 'sudo mkdir -p /etc/pycron/logs && sudo chown pi /etc/pycron/logs',
  });
});

test('a jobs folder that is a file, or cannot be listed', () => {
  const host = healthyHost();
  host.paths.set('/etc/pycron/jobs', FILE);
  assert.deepEqual(checkPaths(memorySystemFacts(host), PATHS)[0], {
    check: 'paths',
    severity: 'error',
    message: 'the jobs folder /etc/pycron/jobs is a file, not a folder',
    fix: 'move the file away, then mkdir /etc/pycron/jobs',
  });
  host.user = { uid: 1000, name: 'pi' };
  host.paths.set('/etc/pycron/jobs', { ...FOLDER, mode: 0o700, readable: false });
  assert.deepEqual(checkPaths(memorySystemFacts(host), PATHS)[0], {
    check: 'paths',
    severity: 'error',
    message: 'pi cannot list the jobs folder /etc/pycron/jobs (mode 0700): no job can be loaded',
    fix: "sudo chown pi /etc/pycron/jobs (or run the service as the folder's owner)",
  });
});
