// Layers of a job's options: config.ini [Defaults] < protos (JOBS/_protos/NAME.ini) < job.ini.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadSettings } from '../../src/config/load-settings.ts';
import { JOB_INI_KEYS } from '../../src/jobs/job-ini-keys.ts';
import { scanJobsFolder, type ScanOptions } from '../../src/jobs/scan-jobs-folder.ts';
import { scanOptionsOf } from '../../src/jobs/scan-options-of.ts';
import { parseSchedule } from '../../src/schedule/parse-schedule.ts';
import { exec, makeTempJobs, scanTree, writeTree } from './job-tree.ts';

/** Scan options whose [Defaults] come from a real config.ini holding `defaults`. */
function withDefaults(root: string, defaults: string): ScanOptions & { configFile: string } {
  const configFile = path.join(root, 'config.ini');
  fs.writeFileSync(configFile, `[Jobs]\nTIMEZONE = UTC\n[Defaults]\n${defaults}`);
  const { settings, diagnostics } = loadSettings({ configPath: configFile, flags: {}, cwd: root });
  assert.deepEqual(diagnostics, []);
  return { ...scanOptionsOf(settings), configFile };
}

test('[Defaults] < proto < job.ini for keys; sections merge key by key; a later proto wins over an earlier', async () => {
  const t = await makeTempJobs();
  try {
    await writeTree(t.jobs, {
      '_protos/base.ini':
        'overlap = queue\nqueue-max = 3\ncatch_up = all\n[env]\nA = base\nB = base\n[trigger]\nx = --from base\n',
      '_protos/loud.ini': '[job]\nqueue_max = 7\nlog_start = yes\n[env]\nB = loud\n',
      'a/job.ini':
        'proto = base, loud\nschedule = @daily\ncommand = true\ncatch_up = skip\n[env]\nC = own\n[trigger]\ny = --own\n',
      'b/job.ini': 'schedule = @daily\ncommand = true\n',
      '5min/x.sh': exec(),
    });
    const opts = withDefaults(t.root, 'overlap = asap\nlog-output = yes\nlog_start = no\ntimeout = 5m\ntrigger = z\n');
    const { jobs, diagnostics } = await scanJobsFolder(t.jobs, opts);
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      [],
    );
    const pick = (name: string): unknown => {
      const job = jobs.find((j) => j.name === name);
      const o = job?.options;
      return [o?.overlap, o?.queueMax, o?.catchUp, o?.logStart, o?.logOutput, job?.timeoutMs, o?.env, o?.triggers];
    };
    assert.deepEqual(pick('a'), [
      'queue',
      7,
      'skip',
      true,
      true,
      300_000,
      { A: 'base', B: 'loud', C: 'own' },
      [
        { job: 'z', args: [] },
        { job: 'x', args: ['--from', 'base'] },
        { job: 'y', args: ['--own'] },
      ],
    ]);
    assert.deepEqual(pick('b'), ['asap', 10, 'once', false, true, 300_000, {}, [{ job: 'z', args: [] }]]);
    assert.deepEqual(pick('5min/x.sh'), ['asap', 10, 'once', false, true, 300_000, {}, [{ job: 'z', args: [] }]]);
  } finally {
    await t.cleanup();
  }
});

test('a proto may give the schedule and command; the folder and job.ini still win', async () => {
  const { jobs, diagnostics, J } = await scanTree({
    '_protos/nightly.ini': 'schedule = 30 2 * * *\ncommand = echo proto\n[cron]\n0 12 * * * = --noon\n',
    'plain/job.ini': 'proto = nightly\n',
    'own/job.ini': 'proto = nightly\nschedule = @hourly\n[cron]\n0 12 * * * = --own-noon\n',
    'file/job.ini': 'proto = nightly\n',
    'file/schedule': '@weekly\n',
    'file/run.sh': exec(),
  });
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(
    jobs.map((j) => [j.name, j.command, j.schedules.map((s) => s.expression), j.scheduleArgs]),
    [
      ['file', { kind: 'exec', path: `${J}/file/run.sh` }, ['@weekly', '0 12 * * *'], [[], ['--noon']]],
      ['own', { kind: 'shell', script: 'echo proto' }, ['@hourly', '0 12 * * *'], [[], ['--own-noon']]],
      ['plain', { kind: 'shell', script: 'echo proto' }, ['30 2 * * *', '0 12 * * *'], [[], ['--noon']]],
    ],
  );
});

test('a missing proto, a bad value or key in a proto, a proto naming a proto: errors naming the proto file and line', async () => {
  const { jobs, diagnostics, J } = await scanTree({
    '_protos/bad.ini': 'overlap = sometimes\n\ncolour = red\n[cron]\n61 * * * *\n',
    '_protos/nested.ini': 'proto = bad\n',
    '_protos/unused.ini': 'this is never read = 1\n',
    'missing/job.ini': 'schedule = @daily\ncommand = true\nproto = nope\n',
    'bad/job.ini': 'schedule = @daily\ncommand = true\nproto = bad\n',
    'nested/job.ini': 'schedule = @daily\ncommand = true\nproto = nested\n',
    'good/job.ini': 'schedule = @daily\ncommand = true\n',
  });
  assert.deepEqual(
    jobs.map((j) => j.name),
    ['good'],
  );
  const P = `${J}/_protos`;
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.path, d.message]),
    [
      [
        'JOB_INVALID',
        `${J}/bad/job.ini`,
        `${P}/bad.ini:3: unknown key 'colour' (known keys: ${JOB_INI_KEYS.map((k) => k.key).join(', ')})`,
      ],
      [
        'JOB_INVALID',
        `${J}/bad/job.ini`,
        `${P}/bad.ini:1 overlap: expected one of ignore, asap, queue, parallel, replace, got 'sometimes'`,
      ],
      ['SCHEDULE_INVALID', `${J}/bad/job.ini`, `${P}/bad.ini:5 [cron] 61 * * * *: ${cronError('61 * * * *')}`],
      ['JOB_INVALID', `${J}/missing/job.ini`, `line 3: proto: no proto named 'nope' (expected the file ${P}/nope.ini)`],
      [
        'JOB_INVALID',
        `${J}/nested/job.ini`,
        `${P}/nested.ini:1 proto: a proto cannot include another proto (name them all in the job.ini)`,
      ],
    ],
  );
});

/** The schedule parser's own message for a bad expression. */
function cronError(text: string): string {
  const parsed = parseSchedule(text, 'UTC');
  return parsed.ok ? '' : parsed.error;
}

test('the _protos folder is not a job, and no diagnostic is made about it', async () => {
  const { jobs, diagnostics } = await scanTree({ '_protos/a.ini': 'overlap = asap\n', '_protos/run.sh': exec() });
  assert.deepEqual([jobs, diagnostics], [[], []]);
});

test('the fingerprint changes when a proto or [Defaults] changes', async () => {
  const t = await makeTempJobs();
  try {
    await writeTree(t.jobs, {
      '_protos/p.ini': 'overlap = asap\n',
      'a/job.ini': 'proto = p\nschedule = @daily\ncommand = true\n',
      'b/job.ini': 'schedule = @daily\ncommand = true\n',
    });
    const print = async (opts: ScanOptions): Promise<Record<string, string>> =>
      Object.fromEntries((await scanJobsFolder(t.jobs, opts)).jobs.map((j) => [j.name, j.fingerprint]));
    const plain: ScanOptions = { timezone: 'UTC' };
    const first = await print(plain);
    assert.deepEqual(await print(plain), first, 'stable');

    await fs.promises.writeFile(`${t.jobs}/_protos/p.ini`, 'overlap = asap\n; a comment only\n');
    const second = await print(plain);
    assert.notEqual(second.a, first.a, 'the proto text changed');
    assert.equal(second.b, first.b, 'b does not use the proto');

    const third = await print(withDefaults(t.root, 'max_attempts = 3\n'));
    assert.notEqual(third.a, second.a);
    assert.notEqual(third.b, second.b, '[Defaults] apply to every job');
  } finally {
    await t.cleanup();
  }
});

test('[Defaults] values that need a job folder are checked per job, naming config.ini and its line', async () => {
  const t = await makeTempJobs();
  try {
    await writeTree(t.jobs, {
      'has-work/work/': '',
      'has-work/job.ini': 'schedule = @daily\ncommand = true\n',
      'no-work/schedule': '@daily\n',
      'no-work/run.sh': exec(),
      'own-dir/job.ini': 'schedule = @daily\ncommand = true\ndir = .\n',
    });
    const opts = withDefaults(t.root, 'dir = work\n');
    const { jobs, diagnostics } = await scanJobsFolder(t.jobs, opts);
    assert.deepEqual(
      jobs.map((j) => [j.name, j.options.dir]),
      [
        ['has-work', `${t.jobs}/has-work/work`],
        ['own-dir', `${t.jobs}/own-dir`],
      ],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.path, d.message]),
      [
        [
          `${t.jobs}/no-work`,
          `${opts.configFile}:4 [Defaults] dir: expected an existing folder, relative to the job folder (${t.jobs}/no-work/work does not exist), got 'work'`,
        ],
      ],
    );
  } finally {
    await t.cleanup();
  }
});
