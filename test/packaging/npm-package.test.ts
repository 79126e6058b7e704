// The npm package as users get it: `npm pack` (its prepack builds dist/) in a copy of this checkout, so the test
// never writes the checkout's own dist/, then `npm install -g --prefix` of the tarball into a temporary folder, and
// the installed `pycron` used as a user would: --version, init, validate, the service with its dashboard, the
// systemd unit pointed at it, and the snap wrapper on the same layout the snap's npm part installs.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeTempDir, readStatusRecords, removeTempDir, waitFor } from '../support/cli-process.ts';
import { writeScript } from '../support/service-folder.ts';
import { within } from '../support/within.ts';
import { verifyUnit } from './verify-unit.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
/** Not copied: installed or generated things, and what the package build must recreate itself. */
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', 'test-artifacts', 'bench-results', '.pycron-example']);
const STEP_TIMEOUT_MS = 120_000;

let dir: string;
let checkout: string;
let prefix: string;
let pycron: string;
let packed: { filename: string; size: number; entryCount: number; files: { path: string }[] };

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const out = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: STEP_TIMEOUT_MS,
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
  });
  return { code: out.status, stdout: out.stdout ?? '', stderr: out.stderr ?? '' };
}

before(async () => {
  dir = await makeTempDir();
  checkout = path.join(dir, 'checkout');
  cpSync(REPO, checkout, {
    recursive: true,
    filter: (source) => !NOT_COPIED.has(path.basename(source)) && !source.endsWith('.tgz'),
  });
  symlinkSync(path.join(REPO, 'node_modules'), path.join(checkout, 'node_modules'));
  mkdirSync(path.join(dir, 'out'));
  const pack = run('npm', ['pack', '--json', '--pack-destination', path.join(dir, 'out')], { cwd: checkout });
  assert.equal(pack.code, 0, `npm pack failed:\n${pack.stderr}`);
  // NOTE: prepack's build prints to stdout before npm's JSON.
  const report = JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[/m))) as (typeof packed)[];
  assert.equal(report.length, 1, pack.stdout);
  packed = report[0]!;

  prefix = path.join(dir, 'prefix');
  const install = run('npm', [
    'install',
    '--global',
    '--prefix',
    prefix,
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    path.join(dir, 'out', packed.filename),
  ]);
  assert.equal(install.code, 0, `npm install -g failed:\n${install.stderr}`);
  pycron = path.join(prefix, 'bin', 'pycron');
});
after(() => removeTempDir(dir));

test('the tarball holds what runs: built JavaScript, its run-time files, docs; no sources, tests or maps', (t) => {
  const files = packed.files.map((f) => f.path).sort();
  const outside = files.filter(
    (f) =>
      !/^dist\/.+\.js$/.test(f) &&
      !/^docs\/[^/]+\.md$/.test(f) &&
      ![
        'package.json',
        'README.md',
        'CHANGELOG.md',
        'config.example.ini',
        'bin/pycron.js',
        'packaging/systemd/pycron.service',
      ].includes(f),
  );
  // Everything else must be a run-time file of src/, copied to the same place in dist/.
  const sourceFiles = readdirSync(path.join(checkout, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(path.join(checkout, 'src'), path.join(e.parentPath, e.name)));
  const assets = sourceFiles.filter((f) => !f.endsWith('.ts')).map((f) => `dist/${f}`);
  assert.deepEqual(outside, assets.filter((f) => !f.endsWith('.js')).sort());
  for (const asset of assets) assert.ok(files.includes(asset), `${asset} is not in the package`);
  for (const module of sourceFiles.filter((f) => f.endsWith('.ts')))
    assert.ok(files.includes(`dist/${module.replace(/\.ts$/, '.js')}`), `${module} was not compiled into the package`);
  assert.ok(files.includes('dist/dashboard/index.html') && files.includes('dist/http/openapi.json'));
  assert.equal(
    files.some((f) => /\.(ts|map)$/.test(f) || f.startsWith('src/') || f.startsWith('test/')),
    false,
  );
  t.diagnostic(`${packed.filename}: ${packed.size} bytes, ${packed.entryCount} files`);
});

test('the installed pycron prints the package version, with plain node (no tsx in the install)', () => {
  const out = run(pycron, ['--version']);
  assert.equal(out.stdout, `${VERSION}\n`, out.stderr);
  assert.equal(out.code, 0);
  assert.deepEqual(
    readdirSync(path.join(prefix, 'lib/node_modules/pycron')).sort(),
    [
      'CHANGELOG.md',
      'README.md',
      'bin',
      'config.example.ini',
      'dist',
      'docs',
      'node_modules',
      'packaging',
      'package.json',
    ].sort(),
  );
  assert.equal(existsSync(path.join(prefix, 'lib/node_modules/pycron/node_modules/tsx')), false, 'tsx is a dev tool');
});

test('init, validate, and a short service run: a job runs, the dashboard answers, SIGTERM exits 0', async () => {
  const home = path.join(dir, 'etc-pycron');
  const init = run(pycron, ['init', '--prefix', home]);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /^5 created, 0 skipped$/m);
  const config = path.join(home, 'config.ini');
  const validate = run(pycron, ['validate', '-c', config]);
  assert.equal(validate.stdout, `${config}: 1 valid job(s) in ${home}/jobs, 0 error(s), 0 warning(s)\n`);
  assert.equal(validate.code, 0);

  writeFileSync(config, readFileSync(config, 'utf8').replace('# LISTEN = 127.0.0.1:5152', 'LISTEN = 127.0.0.1:0'));
  mkdirSync(path.join(home, 'jobs/tick'));
  writeScript(path.join(home, 'jobs/tick/tick.sh'), 'echo "tick $PYCRON_JOB"');
  writeFileSync(path.join(home, 'jobs/tick/schedule'), 'every 1s\n');

  const service = spawn(pycron, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  service.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const exited = new Promise<number | null>((resolve) => service.once('exit', (code) => resolve(code)));
  try {
    const base = await waitFor(
      () => /HTTP API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1],
      20_000,
      `the HTTP API; service log:\n${log}`,
    );
    const record = await waitFor(
      () => readStatusRecords(path.join(home, 'logs')).find((r) => r.job === 'tick'),
      20_000,
      `a run of tick; service log:\n${log}`,
    );
    assert.equal(record.output, 'tick tick\n');
    assert.equal(record.status_code, 0);

    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await page.text();
    const linked = [...html.matchAll(/(?:href|src)="(\/ui\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(linked.length >= 3, html);
    for (const asset of [...linked, '/api/v1/openapi.json']) {
      const answer = await fetch(`${base}${asset}`);
      assert.equal(answer.status, 200, asset);
    }
  } finally {
    service.kill('SIGTERM');
  }
  const code = await within(exited, 30_000, 'the service to exit on SIGTERM', () => service.kill('SIGKILL'));
  assert.equal(code, 0, log);
});

test('systemd-analyze verify accepts the packaged unit pointed at the installed pycron', async () => {
  const unit = readFileSync(path.join(prefix, 'lib/node_modules/pycron/packaging/systemd/pycron.service'), 'utf8');
  const copy = path.join(dir, 'unit', 'pycron.service');
  mkdirSync(path.dirname(copy));
  writeFileSync(copy, unit.replace(/^ExecStart=pycron /m, `ExecStart=${pycron} `));
  assert.deepEqual(verifyUnit(copy), { status: 0, output: '' });
});

test('the snap wrapper on the npm layout of the snap ($SNAP/bin/node, $SNAP/lib/node_modules/pycron)', () => {
  symlinkSync(process.execPath, path.join(prefix, 'bin', 'node'));
  const common = path.join(dir, 'snap-common');
  mkdirSync(common);
  const wrapper = path.join(REPO, 'snap/local/pycron-snap-wrapper');
  const out = run(wrapper, ['validate'], { env: { SNAP: prefix, SNAP_COMMON: common } });
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, `${common}/config.ini: 1 valid job(s) in ${common}/jobs, 0 error(s), 0 warning(s)\n`);
});

test('in a checkout, bin/pycron.js runs the sources even when a (stale) dist/ exists', () => {
  writeFileSync(path.join(checkout, 'dist', 'cli.js'), "process.stdout.write('stale dist\\n');\n");
  const out = run(process.execPath, [path.join(checkout, 'bin', 'pycron.js'), '--version']);
  assert.equal(out.stdout, `${VERSION}\n`, out.stderr);
});
