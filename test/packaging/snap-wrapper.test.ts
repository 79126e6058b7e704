// snap/local/pycron-snap-wrapper with SNAP and SNAP_COMMON set to temporary folders, laid out as the snap's npm part
// installs them ($SNAP/bin/node, $SNAP/lib/node_modules/pycron; here a link to this checkout). The snap itself is
// not built here: see README, "Ubuntu Core (snap)".
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeTempDir, readStatusRecords, removeTempDir, waitFor } from '../support/cli-process.ts';
import { lockFolder } from '../support/lock-folder.ts';
import { writeScript } from '../support/service-folder.ts';
import { within } from '../support/within.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const WRAPPER = path.join(REPO, 'snap/local/pycron-snap-wrapper');

let dir: string;
let snap: string;
let common: string;

before(async () => {
  dir = await makeTempDir();
  chmodSync(dir, 0o755);
  snap = path.join(dir, 'snap');
  common = path.join(dir, 'common');
  mkdirSync(path.join(snap, 'bin'), { recursive: true });
  mkdirSync(path.join(snap, 'lib/node_modules'), { recursive: true });
  mkdirSync(common);
  symlinkSync(process.execPath, path.join(snap, 'bin/node'));
  symlinkSync(REPO, path.join(snap, 'lib/node_modules/pycron'));
});
after(() => removeTempDir(dir));

function wrapper(args: string[], env: NodeJS.ProcessEnv = { SNAP: snap, SNAP_COMMON: common }, uid?: number) {
  const { SNAP: _s, SNAP_COMMON: _c, ...rest } = process.env;
  return spawnSync(WRAPPER, args, {
    encoding: 'utf8',
    env: { ...rest, ...env },
    timeout: 60_000,
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
}

test('the first run lays out $SNAP_COMMON as pycron init does, then runs the command on that config', () => {
  const out = wrapper(['validate']);
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stderr, new RegExp(`^created  ${common}/config\\.ini +the configuration`, 'm'));
  assert.equal(out.stdout, `${common}/config.ini: 1 valid job(s) in ${common}/jobs, 0 error(s), 0 warning(s)\n`);
  for (const made of ['config.ini', 'jobs/heartbeat/heartbeat.sh', 'jobs/heartbeat/schedule', 'logs'])
    assert.ok(existsSync(path.join(common, made)), made);

  const again = wrapper(['validate']);
  assert.equal(again.stderr, '', 'init runs only while config.ini is missing');
  assert.equal(again.status, 0);
});

test('the daemon: the service on $SNAP_COMMON/config.ini runs a job, and SIGTERM to its pid stops it with 0', async () => {
  wrapper(['validate']);
  const config = path.join(common, 'config.ini');
  // No test takes the default API port; the job runs every second.
  writeFileSync(config, readFileSync(config, 'utf8').replace('# LISTEN = 127.0.0.1:5152', 'LISTEN = off'));
  mkdirSync(path.join(common, 'jobs/tick'));
  writeScript(path.join(common, 'jobs/tick/tick.sh'), 'echo tick');
  writeFileSync(path.join(common, 'jobs/tick/schedule'), 'every 1s\n');

  const { SNAP: _s, SNAP_COMMON: _c, ...rest } = process.env;
  const daemon = spawn(WRAPPER, [], {
    env: { ...rest, SNAP: snap, SNAP_COMMON: common },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  daemon.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));
  try {
    const record = await waitFor(
      () => readStatusRecords(path.join(common, 'logs')).find((r) => r.job === 'tick'),
      20_000,
      `a run of tick; service log:\n${log}`,
    );
    assert.equal(record.output, 'tick\n');
    assert.match(log, new RegExp(`pycron starting config=${config.replace(/[.]/g, '\\.')}`));
  } finally {
    daemon.kill('SIGTERM'); // the wrapper exec'd node: this pid is the service
  }
  const code = await within(exited, 30_000, 'the service to exit on SIGTERM', () => daemon.kill('SIGKILL'));
  assert.equal(code, 0, log);
  assert.match(log, /pycron stopped/);
});

test('-c given is used as it is; a -c after `--` belongs to the job and does not count', () => {
  wrapper(['validate']);
  const other = path.join(dir, 'other.ini');
  mkdirSync(path.join(dir, 'other-jobs'), { recursive: true });
  writeFileSync(other, `[Folders]\nJOBS_FOLDER = ${path.join(dir, 'other-jobs')}\n[HTTP]\nLISTEN = off\n`);
  const given = wrapper(['validate', '-c', other]);
  assert.equal(given.stdout, `${other}: 0 valid job(s) in ${dir}/other-jobs, 0 error(s), 0 warning(s)\n`);

  const trigger = wrapper(['trigger', 'heartbeat', '--timeout', '2', '--', '-c', other]);
  assert.equal(trigger.status, 1);
  assert.match(trigger.stderr, new RegExp(`no control socket at ${common}/pycron\\.sock`));
});

test('a user who cannot write $SNAP_COMMON gets no layout, just the missing-config error', () => {
  const empty = path.join(dir, 'empty-common');
  mkdirSync(empty, { mode: 0o755 });
  const unlock = lockFolder(empty);
  try {
    const out = wrapper(['validate'], { SNAP: snap, SNAP_COMMON: empty, HOME: dir });
    assert.equal(out.status, 2);
    assert.equal(existsSync(path.join(empty, 'config.ini')), false);
    assert.match(
      out.stdout,
      new RegExp(`^error: ${empty}/config\\.ini: the config file given with -c does not exist$`, 'm'),
    );
  } finally {
    unlock();
  }
});

test('outside a snap it refuses, saying why', () => {
  const out = wrapper(['validate'], {});
  assert.notEqual(out.status, 0);
  assert.match(out.stderr, /SNAP is not set: run this through the snap/);
});
