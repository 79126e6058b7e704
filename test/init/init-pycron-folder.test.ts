import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { PycronError } from '../../src/errors.ts';
import { initPycronFolder } from '../../src/init/init-pycron-folder.ts';
import { makeTempDir, removeTempDir } from '../support/cli-process.ts';

let dir: string;
beforeEach(async () => (dir = await makeTempDir()));
afterEach(() => removeTempDir(dir));

/** Every file and folder under `root` with its mode and (for files) its text. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const full = path.join(root, name);
    const stats = statSync(full);
    out[name] = `${(stats.mode & 0o777).toString(8)} ${stats.isFile() ? readFileSync(full, 'utf8') : '(folder)'}`;
  }
  return out;
}

test('a new prefix: config.ini, jobs/ with the example job (its script executable), logs/', () => {
  const prefix = path.join(dir, 'etc', 'pycron');
  const outcome = initPycronFolder(prefix, '1.2.3');
  assert.deepEqual(outcome, {
    created: [
      { path: `${prefix}/`, what: 'the pycron folder' },
      { path: `${prefix}/config.ini`, what: 'the configuration, every key commented with its default' },
      { path: `${prefix}/jobs/`, what: 'the jobs folder' },
      { path: `${prefix}/jobs/heartbeat/`, what: 'the example job heartbeat, every 5 minutes' },
      { path: `${prefix}/logs/`, what: 'the logs folder (job_status.log)' },
    ],
    skipped: [],
  });
  assert.deepEqual(Object.keys(snapshot(prefix)).sort(), [
    'config.ini',
    'jobs',
    'jobs/heartbeat',
    'jobs/heartbeat/heartbeat.sh',
    'jobs/heartbeat/schedule',
    'logs',
  ]);
  assert.equal(statSync(path.join(prefix, 'jobs/heartbeat/heartbeat.sh')).mode & 0o777, 0o755);
  assert.match(readFileSync(path.join(prefix, 'config.ini'), 'utf8'), new RegExp(`\nJOBS_FOLDER = ${prefix}/jobs\n`));
});

test('run again: everything is skipped and not a byte changes', () => {
  initPycronFolder(dir, '1.2.3');
  writeFileSync(path.join(dir, 'config.ini'), '[Timings]\nSLEEP_DURATION = 2\n');
  const before = snapshot(dir);
  const outcome = initPycronFolder(dir, '1.2.3');
  assert.deepEqual(outcome, {
    created: [],
    skipped: [
      { path: `${dir}/config.ini`, what: 'it exists and is left as it is' },
      { path: `${dir}/jobs/`, what: 'it exists and is left as it is (no example job added)' },
      { path: `${dir}/logs/`, what: 'it exists and is left as it is' },
    ],
  });
  assert.deepEqual(snapshot(dir), before);
});

test('an existing jobs folder gets no example job; the missing parts are still created', () => {
  mkdirSync(path.join(dir, 'jobs'));
  writeFileSync(path.join(dir, 'jobs', 'keep.txt'), 'mine');
  const outcome = initPycronFolder(dir, '1.2.3');
  assert.deepEqual(
    outcome.created.map((s) => s.path),
    [`${dir}/config.ini`, `${dir}/logs/`],
  );
  assert.deepEqual(readdirSync(path.join(dir, 'jobs')), ['keep.txt']);
});

test('a prefix that cannot be created: IO_FAILED naming the path and the cause, nothing half-made', () => {
  writeFileSync(path.join(dir, 'a-file'), '');
  const prefix = path.join(dir, 'a-file', 'pycron');
  assert.throws(
    () => initPycronFolder(prefix, '1.2.3'),
    (error) =>
      error instanceof PycronError &&
      error.code === 'IO_FAILED' &&
      error.exitCode === 1 &&
      error.message ===
        `cannot create ${prefix}: a part of the path is a file, not a folder (ENOTDIR): choose another folder with --prefix`,
  );
  assert.throws(
    () => initPycronFolder(path.join(dir, 'a-file'), '1.2.3'),
    (error) =>
      error instanceof PycronError && error.message === `cannot create ${dir}/a-file/: a file of that name exists`,
  );
});
