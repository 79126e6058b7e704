// job.ini's [env], [trigger] and [cron] sections, and where a job's schedules come from (`none`, period, procs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSchedule } from '../../src/schedule/parse-schedule.ts';
import { exec, scanTree } from './job-tree.ts';

const RUN = 'schedule = @daily\ncommand = true\n';

test('[env]: names and values (ini quoting rules); bad and PYCRON_ names are errors', async () => {
  const { jobs, diagnostics, J } = await scanTree({
    'ok/job.ini': `${RUN}[env]\nPGDATABASE = sales\n_x1 = "two words; kept"\nEMPTY =\n`,
    'bad/job.ini': `${RUN}[env]\n1ST = x\nPYCRON_JOB = other\nA-B = y\n`,
  });
  assert.deepEqual(jobs[0]?.options.env, { PGDATABASE: 'sales', _x1: 'two words; kept', EMPTY: '' });
  const name = 'an environment variable name (letters, digits and _, not starting with a digit)';
  assert.deepEqual(
    diagnostics.map((d) => [d.severity, d.path, d.message]),
    [
      ['error', `${J}/bad/job.ini`, `line 4: [env] 1ST: expected ${name}, got '1ST'`],
      [
        'error',
        `${J}/bad/job.ini`,
        "line 5: [env] PYCRON_JOB: PYCRON_* names are pycron's own (PYCRON_JOB, PYCRON_RUN_ID...): choose another name",
      ],
      ['error', `${J}/bad/job.ini`, `line 6: [env] A-B: expected ${name}, got 'A-B'`],
    ],
  );
});

test('[trigger]: arguments split like a shell, read as written; merged with trigger = (the section gives args)', async () => {
  const { jobs, diagnostics } = await scanTree({
    'a/job.ini': [
      RUN,
      'trigger = b, c',
      '[trigger]',
      "c = --since yesterday --title 'Nightly run' # a comment",
      'd = "x;y" a\\ b#c # a comment',
      '5min/x.sh',
      'e =',
    ].join('\n'),
  });
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(jobs[0]?.options.triggers, [
    { job: 'b', args: [] },
    { job: 'c', args: ['--since', 'yesterday', '--title', 'Nightly run'] },
    { job: 'd', args: ['x;y', 'a b#c'] },
    { job: '5min/x.sh', args: [] },
    { job: 'e', args: [] },
  ]);
});

test('[trigger]: a name that could not be a job, and an unbalanced quote, are errors', async () => {
  const { jobs, diagnostics } = await scanTree({
    'a/job.ini': `${RUN}[trigger]\n../etc = x\nb = --title 'open\n/abs =\n`,
  });
  assert.deepEqual(jobs, []);
  const name = 'a job name (a job folder such as backup, or a PyCron path such as 5min/report.sh)';
  assert.deepEqual(
    diagnostics.map((d) => d.message),
    [
      `line 4: [trigger] ../etc: expected ${name}, got '../etc'`,
      "line 5: [trigger] b: expected arguments split as a shell does (the ' at character 9 is never closed), got '--title 'open'",
      `line 6: [trigger] /abs: expected ${name}, got '/abs'`,
    ],
  );
});

test('[cron]: each entry is one more schedule, its arguments at the same index; keys keep # and quotes allow =', async () => {
  const { jobs, diagnostics } = await scanTree({
    'a/schedule': '*/5 * * * *\n',
    'a/run.sh': exec(),
    'a/job.ini': [
      'dst_gap = skip',
      '[cron]',
      '0 0 * * 5#2 = --second-friday',
      '"TZ=Asia/Tokyo 0 9 * * *" = --morning "in Tokyo"',
      '@hourly',
    ].join('\n'),
    'only-cron/job.ini': 'command = true\n[cron]\n30 2 * * * = --night\n',
  });
  assert.deepEqual(diagnostics, []);
  const [a, onlyCron] = jobs;
  assert.deepEqual(
    a?.schedules.map((s) => [s.expression, s.timezone]),
    [
      ['*/5 * * * *', 'UTC'],
      ['0 0 * * 5#2', 'UTC'],
      ['0 9 * * *', 'Asia/Tokyo'],
      ['@hourly', 'UTC'],
    ],
  );
  assert.deepEqual(a?.scheduleArgs, [[], ['--second-friday'], ['--morning', 'in Tokyo'], []]);
  assert.deepEqual(onlyCron?.scheduleArgs, [['--night']]);
  // dst_gap reaches the parser: 02:30 on Berlin's spring-forward night.
  const gap = Date.parse('2026-03-29T00:00:00Z');
  const skipping = parseSchedule('30 2 * * *', 'Europe/Berlin', { dstGap: 'skip' });
  const running = parseSchedule('30 2 * * *', 'Europe/Berlin', { dstGap: 'run_after' });
  assert.ok(skipping.ok && running.ok);
  const berlin = await scanTree({
    'b/job.ini': 'command = true\ntimezone = Europe/Berlin\ndst_gap = skip\n[cron]\n30 2 * * *\n',
  });
  assert.equal(berlin.jobs[0]?.schedules[0]?.next(gap), skipping.schedule.next(gap));
  assert.notEqual(skipping.schedule.next(gap), running.schedule.next(gap));
});

test('[cron]: a bad expression, an unquoted TZ= key and a bad argument line are errors', async () => {
  const { diagnostics } = await scanTree({
    'a/job.ini': `command = true\n[cron]\n61 * * * * = x\nTZ=Europe/Berlin 0 2 * * * = y\n@daily = "open\n`,
  });
  const bad = parseSchedule('61 * * * *', 'UTC');
  assert.ok(!bad.ok);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.message]),
    [
      [
        'SCHEDULE_INVALID',
        `line 4: [cron] TZ: a TZ= prefix ends the key at its '=': quote the expression ("TZ=Zone 0 2 * * *" = ...) or set timezone =`,
      ],
      [
        'JOB_INVALID',
        `line 5: [cron] @daily: expected arguments split as a shell does (the " at character 1 is never closed), got '"open'`,
      ],
      ['SCHEDULE_INVALID', `line 3: [cron] 61 * * * *: ${bad.error}`],
    ],
  );
});

test('schedule = none, or a schedule file holding only none: a job that only runs when triggered', async () => {
  const { jobs, diagnostics, J } = await scanTree({
    'ini/job.ini': 'schedule = None\ncommand = true\n',
    'file/schedule': '# only triggered\nnone\n',
    'file/run.sh': exec(),
    'mixed/schedule': '@daily\nnone\n',
    'mixed/run.sh': exec(),
    'with-cron/job.ini': 'schedule = none\ncommand = true\n[cron]\n@daily\n',
  });
  assert.deepEqual(
    jobs.map((j) => [j.name, j.schedules.length, j.scheduleArgs.length]),
    [
      ['file', 0, 0],
      ['ini', 0, 0],
    ],
  );
  assert.deepEqual(
    diagnostics.map((d) => [d.path, d.message]),
    [
      [
        `${J}/mixed/schedule`,
        "line 2: 'none' (only run when triggered) cannot go with other schedules; remove it or the other lines",
      ],
      [`${J}/with-cron/job.ini`, 'line 1: schedule = none, but [cron] has 1 schedule(s): remove one or the other'],
    ],
  );
});

test('period or pause alone needs no schedule; otherwise no schedule is an error that mentions none', async () => {
  const { jobs, diagnostics, J } = await scanTree({
    'every10m/job.ini': 'period = 10m\ncommand = true\n',
    'after-end/job.ini': 'pause = 30s\ncommand = true\n',
    'nothing/job.ini': 'command = true\n',
  });
  assert.deepEqual(
    jobs.map((j) => [j.name, j.schedules.length, j.options.periodMs, j.options.pauseMs]),
    [
      ['after-end', 0, undefined, 30_000],
      ['every10m', 0, 600_000, undefined],
    ],
  );
  assert.deepEqual(
    diagnostics.map((d) => [d.path, d.message]),
    [
      [
        `${J}/nothing`,
        "no schedule (add a 'schedule' file or 'schedule =' in job.ini; 'schedule = none' for a job that only runs when triggered, or period =)",
      ],
    ],
  );
});

test('a proc takes no schedule and no [cron]; schedule = none is accepted', async () => {
  const { jobs, diagnostics, J } = await scanTree({
    'p1/job.ini': 'type = proc\ncommand = sleep 1000\nschedule = @daily\n',
    'p2/job.ini': 'type = proc\ncommand = sleep 1000\n[cron]\n@daily\n',
    'p3/schedule': '@hourly\n',
    'p3/run.sh': exec(),
    'p3/job.ini': 'type = proc\n',
    'p4/job.ini': 'type = proc\ncommand = sleep 1000\nschedule = none\n',
  });
  assert.deepEqual(
    jobs.map((j) => j.name),
    ['p4'],
  );
  const message = 'a proc (type = proc) runs all the time and takes no schedule: remove its schedule and [cron]';
  assert.deepEqual(
    diagnostics.map((d) => [d.path, d.message]),
    [
      [`${J}/p1`, message],
      [`${J}/p2`, message],
      [`${J}/p3`, message],
    ],
  );
});

test('a blank schedule = is one error', async () => {
  const { diagnostics } = await scanTree({ 'a/job.ini': 'schedule =\ncommand = true\n' });
  assert.deepEqual(
    diagnostics.map((d) => d.message),
    ["line 1: schedule: expected a schedule expression (30 2 * * *, @daily, every 5m), or none, got ''"],
  );
});
