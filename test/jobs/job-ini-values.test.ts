// Every job.ini key: a good value sets its option; a bad one is an error naming file, line, key, expected and found,
// and the job is not loaded while the others are.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JOB_INI_KEYS } from '../../src/jobs/job-ini-keys.ts';
import { defaultJobOptions, PROC_DEFAULT_IDLE_MS } from '../../src/jobs/job-options.ts';
import { DURATION_EXPECTED } from '../../src/jobs/parse-duration.ts';
import { exec, scanTree } from './job-tree.ts';

const RUN = 'schedule = @daily\ncommand = true\n';

test('every option key, good values: the options, timeout, zone and enabled they set', async () => {
  const { jobs, diagnostics, J } = await scanTree({
    'all/data/': '',
    'all/job.ini': [
      '[job]',
      'schedule = @daily',
      'command = echo "$@"',
      'timezone = europe/berlin',
      'timeout = 1h30m',
      'enabled = no',
      'overlap = QUEUE',
      'queue_max = 10000',
      'max_parallel = 1000',
      'catch_up = all',
      'catch_up_max_age = 6h',
      'retry_delay = 0',
      'max_attempts = 3',
      'backoff = exponential',
      'retry_max_delay = 1h',
      'kill_grace = 2.5',
      'period = 30m',
      'pause = 10s',
      'random = 250ms',
      'run_at_start = off',
      'idle = 5s',
      'jitter = 2m',
      'dst_gap = skip',
      'trigger = report, 5min/at0030/x.sh',
      'trigger_on = always',
      'dir = data',
      'title = Nightly backup',
      'log_start = 0',
      'log_output = yes',
      'user = nobody',
    ].join('\n'),
  });
  assert.deepEqual(diagnostics, []);
  const [job] = jobs;
  assert.deepEqual(
    [job?.timezone, job?.timeoutMs, job?.enabled, job?.schedules[0]?.timezone],
    ['Europe/Berlin', 5_400_000, false, 'Europe/Berlin'],
  );
  assert.deepEqual(job?.options, {
    ...defaultJobOptions(`${J}/all`, 'all'),
    overlap: 'queue',
    queueMax: 10_000,
    maxParallel: 1000,
    catchUp: 'all',
    catchUpMaxAgeMs: 6 * 3_600_000,
    retryDelayMs: 0,
    maxAttempts: 3,
    backoff: 'exponential',
    retryMaxDelayMs: 3_600_000,
    killGraceMs: 2500,
    periodMs: 1_800_000,
    pauseMs: 10_000,
    randomMs: 250,
    runAtStart: false,
    idleMs: 5000,
    jitterMs: 120_000,
    dstGap: 'skip',
    triggers: [
      { job: 'report', args: [] },
      { job: '5min/at0030/x.sh', args: [] },
    ],
    triggerOn: 'always',
    dir: `${J}/all/data`,
    title: 'Nightly backup',
    logStart: false,
    logOutput: true,
    user: { name: 'nobody', uid: 65534, gid: 65534 },
  });
});

test("kopf's dashed spellings and any case are the same keys; two spellings of one key are an error", async () => {
  const { jobs, diagnostics, J } = await scanTree({
    'dashed/job.ini': `${RUN}Log-Start = no\nLOG-OUTPUT = yes\ncatch-up-max-age = 1h\nMax-Parallel = 3\nrun-at-start = false\n`,
    'twice/job.ini': `${RUN}log_start = no\n[job]\nlog-start = yes\n`,
  });
  assert.deepEqual(
    diagnostics.map((d) => [d.path, d.message]),
    [[`${J}/twice/job.ini`, 'line 5: log_start: set twice (line 3 and line 5); keep one']],
  );
  const options = jobs[0]?.options;
  assert.deepEqual(
    [jobs.map((j) => j.name), options?.logStart, options?.logOutput, options?.catchUpMaxAgeMs, options?.maxParallel],
    [['dashed'], false, true, 3_600_000, 3],
  );
  assert.equal(options?.runAtStart, false);
});

const DURATION = (range: string): string => `${DURATION_EXPECTED} (${range}, at most 24 days)`;

/** [key, bad value, what the message says was expected]. */
const BAD_VALUES: [string, string, string][] = [
  ['type', 'daemon', 'job or proc'],
  ['enabled', 'maybe', 'true or false (or yes/no, on/off, 1/0)'],
  ['timezone', 'Mars/Base', 'an IANA time zone such as Europe/Berlin or UTC'],
  ['timeout', '25d', DURATION('above 0')],
  ['timeout', '0', DURATION('above 0')],
  ['kill_grace', 'soon', DURATION('0 or more')],
  ['overlap', 'sometimes', 'one of ignore, asap, queue, parallel, replace'],
  ['queue_max', '0', 'a whole number from 1 to 10000'],
  ['queue_max', '10001', 'a whole number from 1 to 10000'],
  ['max_parallel', '2.5', 'a whole number from 1 to 1000'],
  ['catch_up', 'latest', 'one of once, skip, all'],
  ['catch_up_max_age', '0s', DURATION('above 0')],
  ['retry_delay', '-1s', DURATION('0 or more')],
  ['max_attempts', '0', 'a whole number of 1 or more'],
  ['backoff', 'linear', 'fixed or exponential'],
  ['retry_max_delay', 'forever', DURATION('above 0')],
  ['period', '0', DURATION('above 0')],
  ['pause', '30m1h', DURATION('0 or more')],
  ['random', '1y', DURATION('0 or more')],
  ['run_at_start', 'later', 'true or false (or yes/no, on/off, 1/0)'],
  ['idle', '-5', DURATION('0 or more')],
  ['jitter', '30d', DURATION('0 or more')],
  ['dst_gap', 'never', 'run_after or skip'],
  ['trigger', 'report, ../etc', 'a comma-separated list of job names'],
  ['trigger', '/abs', 'a comma-separated list of job names'],
  ['trigger_on', 'exit', 'one of success, failure, always'],
  ['title', '""', 'a title (any text)'],
  ['log_start', '2', 'true or false (or yes/no, on/off, 1/0)'],
  ['log_output', 'loud', 'true or false (or yes/no, on/off, 1/0)'],
  ['user', 'no-such-user-here', 'a user name or numeric uid known to the system (getent passwd)'],
  ['user', '-x', 'a user name or numeric uid known to the system (getent passwd)'],
  ['proto', '../up', 'a comma-separated list of proto names (files _protos/NAME.ini)'],
  ['command', '""', 'a command for /bin/sh -c'],
];

test('each bad value: an error naming file, line, key, expected and found; that job alone is not loaded', async () => {
  const files: Record<string, string> = { 'good/job.ini': RUN };
  BAD_VALUES.forEach(([key, value], index) => {
    const head = key === 'command' ? 'schedule = @daily\n; the command is the bad value\n' : RUN;
    files[`bad${index}/job.ini`] = `${head}${key} = ${value}\n`;
  });
  const { jobs, diagnostics, J } = await scanTree(files);
  assert.deepEqual(
    jobs.map((j) => j.name),
    ['good'],
  );
  const shown = (value: string): string => (value === '""' ? '' : value);
  const expected = BAD_VALUES.map(([key, value, wanted], index) => ({
    severity: 'error',
    code: 'JOB_INVALID',
    path: `${J}/bad${index}/job.ini`,
    message: `line 3: ${key}: expected ${wanted}, got '${shown(value)}'`,
  }));
  const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : 1);
  assert.deepEqual([...diagnostics].sort(byPath), expected.sort(byPath));
});

test('dir: relative to the job folder (or absolute); it must exist and be a folder', async () => {
  const { jobs, diagnostics, J } = await scanTree({
    'a/job.ini': `${RUN}dir = ./work/\n`,
    'a/work/': '',
    'b/job.ini': `${RUN}dir = /tmp\n`,
    'c/job.ini': `${RUN}dir = nope\n`,
    'd/job.ini': `${RUN}dir = file.txt\n`,
    'd/file.txt': 'x',
  });
  assert.deepEqual(
    jobs.map((j) => [j.name, j.options.dir]),
    [
      ['a', `${J}/a/work`],
      ['b', '/tmp'],
    ],
  );
  assert.deepEqual(
    diagnostics.map((d) => d.message),
    [
      `line 3: dir: expected an existing folder, relative to the job folder (${J}/c/nope does not exist), got 'nope'`,
      `line 3: dir: expected an existing folder, relative to the job folder (${J}/d/file.txt is not a folder), got 'file.txt'`,
    ],
  );
});

test('a file named disabled pauses the job and is never its executable; in the PyCron layout it is a job', async () => {
  const { jobs, diagnostics } = await scanTree({
    'paused/schedule': '@hourly\n',
    'paused/run.sh': exec(),
    'paused/disabled': exec(),
    'on/job.ini': RUN,
    '5min/disabled': exec(),
  });
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(
    jobs.map((j) => [j.name, j.enabled, j.file.split('/').slice(-1)[0]]),
    [
      ['5min/disabled', true, 'disabled'],
      ['on', true, 'job.ini'],
      ['paused', false, 'run.sh'],
    ],
  );
});

test('procs: idle defaults to 10 s; files to watch are absolute; jobs-only and procs-only keys are refused', async () => {
  const { jobs, diagnostics, J } = await scanTree({
    'tor/job.ini':
      'type = proc\ncommand = tor -f tor.rc\nrestart_on_change = tor.bin, conf/a\nhup-on-change = tor.rc\n',
    'quick/job.ini': 'type = proc\ncommand = sleep 1000\nidle = 1s\n',
    'watching/job.ini': `${RUN}restart_on_change = x\nhup_on_change =\n`,
    'periodic/job.ini': 'type = proc\ncommand = true\nperiod = 5m\n',
  });
  assert.deepEqual(
    jobs.map((j) => [j.name, j.options.type, j.options.idleMs, j.options.restartOnChange, j.options.hupOnChange]),
    [
      ['quick', 'proc', 1000, [], []],
      ['tor', 'proc', PROC_DEFAULT_IDLE_MS, [`${J}/tor/tor.bin`, `${J}/tor/conf/a`], [`${J}/tor/tor.rc`]],
    ],
  );
  assert.deepEqual(
    diagnostics.map((d) => [d.path, d.message]),
    [
      [
        `${J}/periodic/job.ini`,
        'line 3: period: only for type = job: a proc runs all the time and is restarted idle after it exits',
      ],
      [`${J}/watching/job.ini`, 'line 3: restart_on_change: only for type = proc (this job is type = job)'],
    ],
  );
});

test('the key table has one row per key, each example valid', () => {
  const keys = JOB_INI_KEYS.map((k) => k.key);
  assert.equal(new Set(keys).size, keys.length);
  for (const spec of JOB_INI_KEYS) {
    if (spec.key === 'dir' || spec.key === 'user') continue; // need a real folder or user
    assert.ok(spec.parse(spec.example, { folder: '/', users: { euid: () => 0, find: () => undefined } }).ok, spec.key);
  }
});
