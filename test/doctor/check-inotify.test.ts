import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkInotify } from '../../src/doctor/check-inotify.ts';
import { FOLDER, healthyHost, memorySystemFacts } from './memory-system-facts.ts';

const JOBS = '/etc/pycron/jobs';
const FIFTEEN_MINUTES_MS = 15 * 60_000;

test('counts one watch for the jobs folder, one per job folder and one per PyCron at-folder', () => {
  const host = healthyHost(['backup', 'report', '5min', '1day', '.hidden']);
  host.paths.set('/etc/pycron/jobs/1day/at0230', FOLDER);
  host.paths.set('/etc/pycron/jobs/1day/at0400', FOLDER);
  host.paths.set('/etc/pycron/jobs/backup/at0100', FOLDER); // not a PyCron folder: no watch of its own
  assert.deepEqual(checkInotify(memorySystemFacts(host), JOBS, FIFTEEN_MINUTES_MS), [
    {
      check: 'inotify',
      severity: 'ok',
      message:
        "4 job folders need about 7 inotify watches; the limit is 8192 per user (100 held now by root's processes, pycron's own among them if it runs)",
    },
  ]);
});

test('more job folders than the limit is an error with the sysctl that fixes it', () => {
  const names = Array.from({ length: 300 }, (_, i) => `job-${i}`);
  const host = healthyHost(names);
  host.inotifyLimits = { maxUserWatches: 256, maxUserInstances: 128 };
  assert.deepEqual(checkInotify(memorySystemFacts(host), JOBS, FIFTEEN_MINUTES_MS), [
    {
      check: 'inotify',
      severity: 'error',
      message:
        '300 job folders need about 301 inotify watches, over the limit of 256 per user: watching fails (ENOSPC) and changes are then seen only at the full rescan every 15 minutes',
      fix: "echo 'fs.inotify.max_user_watches = 524288' | sudo tee /etc/sysctl.d/60-pycron-inotify.conf && sudo sysctl --system",
    },
  ]);
});

test('within the limit alone but not with the watches other programs hold: a warning', () => {
  const host = healthyHost(['a', 'b']);
  host.inotifyLimits = { maxUserWatches: 1000, maxUserInstances: 128 };
  host.inotifyInUse = { watches: 999, instances: 5 };
  const [finding] = checkInotify(memorySystemFacts(host), JOBS, 30_000);
  assert.deepEqual(finding, {
    check: 'inotify',
    severity: 'warn',
    message:
      "2 job folders need about 3 inotify watches; with 999 held now by root's processes, pycron's own among them if it runs, the limit of 1000 per user may be reached, and changes are then seen only at the full rescan every 0.5 minutes",
    fix: "echo 'fs.inotify.max_user_watches = 524288' | sudo tee /etc/sysctl.d/60-pycron-inotify.conf && sudo sysctl --system",
  });
});

test('every inotify instance of the user in use: a warning of its own', () => {
  const host = healthyHost();
  host.inotifyInUse = { watches: 10, instances: 128 };
  const findings = checkInotify(memorySystemFacts(host), JOBS, FIFTEEN_MINUTES_MS);
  assert.equal(findings.length, 2);
  assert.deepEqual(findings[1], {
    check: 'inotify',
    severity: 'warn',
    message:
      'all 128 inotify instances of root are in use: a pycron starting now cannot watch its jobs folder, and changes are then seen only at the full rescan every 15 minutes',
    fix: "echo 'fs.inotify.max_user_instances = 1024' | sudo tee -a /etc/sysctl.d/60-pycron-inotify.conf && sudo sysctl --system",
  });
});

test('limits that cannot be read are a warning, not a guess', () => {
  const host = healthyHost();
  host.inotifyLimits = undefined;
  assert.deepEqual(checkInotify(memorySystemFacts(host), JOBS, FIFTEEN_MINUTES_MS), [
    {
      check: 'inotify',
      severity: 'warn',
      message: 'cannot read /proc/sys/fs/inotify/max_user_watches: the inotify limits are unknown',
      fix: 'run doctor on the Linux host that runs the service (pycron watches folders with inotify)',
    },
  ]);
});
