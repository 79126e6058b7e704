// `pycron init` end to end: what it prints, that its layout validates and its example job runs, and its failures.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir, PYCRON_BIN, removeTempDir, runCli } from '../support/cli-process.ts';
import { lockFolder } from '../support/lock-folder.ts';

let dir: string;
before(async () => (dir = await makeTempDir()));
after(() => removeTempDir(dir));

test('prints what it created, then the layout validates and the example job runs', () => {
  const prefix = path.join(dir, 'pycron');
  const out = runCli(['init', '--prefix', prefix]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(
    out.stdout,
    [
      `created  ${prefix}/                 the pycron folder`,
      `created  ${prefix}/config.ini       the configuration, every key commented with its default`,
      `created  ${prefix}/jobs/            the jobs folder`,
      `created  ${prefix}/jobs/heartbeat/  the example job heartbeat, every 5 minutes`,
      `created  ${prefix}/logs/            the logs folder (job_status.log)`,
      '5 created, 0 skipped',
      `next: check it with \`pycron validate -c ${prefix}/config.ini\`, run it with \`pycron -c ${prefix}/config.ini\` (as a service: README, "Run as a service")`,
      '',
    ].join('\n'),
  );
  const config = path.join(prefix, 'config.ini');
  const validate = runCli(['validate', '-c', config]);
  assert.equal(validate.stdout, `${config}: 1 valid job(s) in ${prefix}/jobs, 0 error(s), 0 warning(s)\n`);
  assert.equal(validate.code, 0);
  const run = runCli(['run', 'heartbeat', '-c', config]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /heartbeat from heartbeat: run [0-9a-f-]{36} for slot \d{4}-\d\d-\d\dT/);

  const again = runCli(['init', '--prefix', prefix]);
  assert.equal(again.code, 0);
  assert.equal(
    again.stdout.split('\n').slice(0, 4).join('\n'),
    [
      `skipped  ${prefix}/config.ini  it exists and is left as it is`,
      `skipped  ${prefix}/jobs/       it exists and is left as it is (no example job added)`,
      `skipped  ${prefix}/logs/       it exists and is left as it is`,
      `nothing to do: everything under ${prefix} exists`,
    ].join('\n'),
  );
});

test('a prefix the user cannot write: exit 1 and a sentence that says why and what to do', () => {
  const locked = path.join(dir, 'locked');
  mkdirSync(locked);
  const unlock = lockFolder(locked);
  try {
    const out = spawnSync(process.execPath, [PYCRON_BIN, 'init', '--prefix', locked], { encoding: 'utf8' });
    assert.equal(out.stdout, '');
    // EACCES for a user without the right; EPERM for root on an immutable folder.
    assert.match(
      out.stderr,
      new RegExp(
        `^pycron: cannot write ${locked}/config\\.ini: (permission denied \\(EACCES\\)|operation not permitted \\(EPERM\\)): run it as root \\(sudo\\) or choose a folder you can write with --prefix\\n$`,
      ),
    );
    assert.equal(out.status, 1);
  } finally {
    unlock();
  }
});
