// `pycron doctor` end to end: the real CLI on this host, against a folder laid out by `pycron init`.
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Finding } from '../../src/doctor/finding.ts';
import { makeTempDir, removeTempDir, runCli } from '../support/cli-process.ts';

let dir: string;
let config: string;

before(async () => {
  dir = await makeTempDir();
  config = path.join(dir, 'config.ini');
  assert.equal(runCli(['init', '--prefix', dir]).code, 0);
});
after(() => removeTempDir(dir));

test('--json: every check, the paths of this folder fine, exit 0 without errors', () => {
  const out = runCli(['doctor', '-c', config, '--json']);
  const report = JSON.parse(out.stdout) as { ok: boolean; config: string; user: string; findings: Finding[] };
  const errors = report.findings.filter((f) => f.severity === 'error');
  assert.deepEqual(errors, [], out.stdout);
  assert.equal(out.code, 0);
  assert.equal(report.ok, true);
  assert.equal(report.config, config);
  assert.deepEqual(
    [...new Set(report.findings.map((f) => f.check))],
    ['config', 'node', 'jobs', 'inotify', 'paths', 'clock', 'disk', 'timezones'],
  );
  assert.deepEqual(
    report.findings
      .filter((f) => f.check === 'paths' || f.check === 'config' || f.check === 'jobs')
      .map((f) => f.message),
    [
      `${config}: no problems`,
      `1 job in ${dir}/jobs loads, no folder with problems`,
      `the jobs folder ${dir}/jobs is readable by ${report.user} and not writable by others`,
      `the logs folder ${dir}/logs is writable by ${report.user}`,
      `the state file ${dir}/persistence.json can be created; its folder is writable by ${report.user}`,
    ],
  );
  for (const finding of report.findings)
    assert.equal(finding.severity === 'ok', finding.fix === undefined, `a fix exactly when not ok: ${finding.message}`);
});

test('a world-writable jobs folder: the error with its fix in the text report, exit 1', () => {
  chmodSync(path.join(dir, 'jobs'), 0o777);
  try {
    const out = runCli(['doctor', '-c', config]);
    assert.equal(out.code, 1, out.stdout + out.stderr);
    const lines = out.stdout.split('\n');
    assert.match(lines[0]!, new RegExp(`^pycron doctor: ${config}, as \\S+$`));
    const at = lines.findIndex((l) => l.startsWith('error  paths'));
    assert.match(
      lines[at]!,
      new RegExp(`^error  paths +the jobs folder ${dir}/jobs is writable by every user \\(mode 0777\\)`),
    );
    assert.match(lines[at + 1]!, new RegExp(`^ +fix: sudo chmod o-w ${dir}/jobs$`));
    assert.match(
      out.stdout,
      /\n1 error, \d+ warnings?: fix the errors: the service will not run correctly until then\n$/,
    );
  } finally {
    chmodSync(path.join(dir, 'jobs'), 0o755);
  }
});
