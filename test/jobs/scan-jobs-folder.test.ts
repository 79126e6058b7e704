import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Diagnostic } from '../../src/diagnostic.ts';
import { JOB_INI_KEYS } from '../../src/jobs/job-ini-keys.ts';
import type { JobSpec } from '../../src/jobs/job-spec.ts';
import { scanEntry, scanJobsFolder } from '../../src/jobs/scan-jobs-folder.ts';
import { parseSchedule } from '../../src/schedule/parse-schedule.ts';
import { parsePycronTokens } from '../../src/schedule/pycron-schedule.ts';
import { exec, makeTempJobs, writeTree } from './job-tree.ts';

const OPTS = { timezone: 'UTC' };
let temp: Awaited<ReturnType<typeof makeTempJobs>>;
let J = '';

before(async () => {
  temp = await makeTempJobs();
  J = temp.jobs;
  await writeTree(J, {
    // PyCron layout
    '5min/backup.sh': exec(),
    '5min/notes.txt': 'not a script, not a job, no warning',
    '5min/forgot.py': 'print(1)\n',
    '5min/noext': '#!/bin/sh\necho no exec bit\n',
    '5min/backup.sh~': exec(),
    '5min/.hidden.sh': exec(),
    '5min/README.md': exec(),
    '5min/.backup.sh.swp': exec(),
    '5min/x.swo': exec(),
    '5min/#x.sh#': exec(),
    '5min/x.bak': exec(),
    '5min/x.tmp': exec(),
    '5min/stray/': '',
    '5min/.git/': '',
    '1hour/at0030/report.py': exec(),
    '1hour/at0030/deeper/': '',
    '1day/at0230/x.sh': exec(),
    // Job folders
    'backup/schedule': '# nightly\n\n   30 2 * * *  \n',
    'backup/run.sh': exec(),
    'backup/README': exec(),
    'backup/run.sh.bak': exec(),
    'backup/.env': exec(),
    'backup/data/': '',
    'multi/schedule': '*/5 * * * *\n# noon too\n0 12 * * *\n',
    'multi/go': exec(),
    'inicmd/job.ini':
      '[job]\nschedule = every 30s\ncommand = "echo hi; echo there"\ntimeout = 1h30m\ntimezone = Europe/Berlin\nenabled = no\n',
    'empty/': '',
    'two/schedule': '@hourly\n',
    'two/a.sh': exec(),
    'two/b.sh': exec(),
    'noexec/schedule': '@hourly\n',
    'noexec/run.sh': '#!/bin/sh\n',
    'blank/schedule': '# only a comment\n\n',
    'blank/run.sh': exec(),
    'badsched/schedule': '@daily\n61 * * * *\n',
    'badsched/run.sh': exec(),
    'both/schedule': '@hourly\n',
    'both/job.ini': 'schedule = @daily\n',
    'both/run.sh': exec(),
    'unknownkey/job.ini': 'schedule = @daily\ncommand = true\ntimout = 5m\n',
    'badini/job.ini': 'schedule = every 1m\ncommand = true\ntimeout = soon\nenabled = maybe\ntimezone = Mars/Base\n',
    '.hidden/schedule': '@hourly\n',
    '.hidden/run.sh': exec(),
    // Top level
    'stray.sh': exec(),
    'README.md': 'docs',
    'notes.txt': 'notes',
  });
});
after(() => temp.cleanup());

function parserError(expression: string): string {
  const parsed = parseSchedule(expression, 'UTC');
  assert.equal(parsed.ok, false, `${expression} should not parse`);
  return parsed.ok ? '' : parsed.error;
}

test('both layouts side by side: the jobs, their names, files, folders and schedules', async () => {
  const { jobs } = await scanJobsFolder(J, OPTS);
  assert.deepEqual(
    jobs.map((j) => [j.name, j.layout, j.file, j.folder, j.command, j.schedules.map((s) => s.expression)]),
    [
      [
        '1day/at0230/x.sh',
        'pycron',
        `${J}/1day/at0230/x.sh`,
        `${J}/1day/at0230`,
        { kind: 'exec', path: `${J}/1day/at0230/x.sh` },
        [parsePycron('1day', 'at0230')],
      ],
      [
        '1hour/at0030/report.py',
        'pycron',
        `${J}/1hour/at0030/report.py`,
        `${J}/1hour/at0030`,
        { kind: 'exec', path: `${J}/1hour/at0030/report.py` },
        [parsePycron('1hour', 'at0030')],
      ],
      [
        '5min/backup.sh',
        'pycron',
        `${J}/5min/backup.sh`,
        `${J}/5min`,
        { kind: 'exec', path: `${J}/5min/backup.sh` },
        [parsePycron('5min', undefined)],
      ],
      [
        'backup',
        'folder',
        `${J}/backup/run.sh`,
        `${J}/backup`,
        { kind: 'exec', path: `${J}/backup/run.sh` },
        ['30 2 * * *'],
      ],
      [
        'inicmd',
        'folder',
        `${J}/inicmd/job.ini`,
        `${J}/inicmd`,
        { kind: 'shell', script: 'echo hi; echo there' },
        ['every 30s'],
      ],
      [
        'multi',
        'folder',
        `${J}/multi/go`,
        `${J}/multi`,
        { kind: 'exec', path: `${J}/multi/go` },
        ['*/5 * * * *', '0 12 * * *'],
      ],
    ],
  );
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const ini = byName.get('inicmd');
  assert.deepEqual([ini?.timeoutMs, ini?.timezone, ini?.enabled], [5_400_000, 'Europe/Berlin', false]);
  assert.equal(ini?.schedules[0]?.timezone, 'Europe/Berlin');
  const plain = byName.get('backup');
  assert.deepEqual([plain?.timeoutMs, plain?.timezone, plain?.enabled], [undefined, 'UTC', true]);
  for (const job of jobs) assert.match(job.fingerprint, /^[0-9a-f]{16}$/);
});

function parsePycron(every: string, at: string | undefined): string {
  const parsed = parsePycronTokens(every, at, 'UTC');
  assert.ok(parsed.ok);
  return parsed.schedule.expression;
}

test('every problem is reported with its path and whole message', async () => {
  const { diagnostics } = await scanJobsFolder(J, OPTS);
  const expected: Diagnostic[] = [
    {
      severity: 'warning',
      code: 'JOB_INVALID',
      path: `${J}/1hour/at0030/deeper`,
      message: 'a folder inside an at-folder is not read, so its files are not jobs',
    },
    {
      severity: 'warning',
      code: 'JOB_INVALID',
      path: `${J}/5min/forgot.py`,
      message: 'not executable, so it is not a job: chmod +x it to run it',
    },
    {
      severity: 'warning',
      code: 'JOB_INVALID',
      path: `${J}/5min/noext`,
      message: 'not executable, so it is not a job: chmod +x it to run it',
    },
    {
      severity: 'warning',
      code: 'JOB_INVALID',
      path: `${J}/5min/stray`,
      message: 'not an at-folder (atHHMM, such as at0230), so its files are not jobs',
    },
    {
      severity: 'error',
      code: 'JOB_INVALID',
      path: `${J}/badini/job.ini`,
      message:
        "line 3: timeout: expected a duration such as 90s, 5m, 1h30m or a number of seconds (above 0, at most 24 days), got 'soon'",
    },
    {
      severity: 'error',
      code: 'JOB_INVALID',
      path: `${J}/badini/job.ini`,
      message: "line 4: enabled: expected true or false (or yes/no, on/off, 1/0), got 'maybe'",
    },
    {
      severity: 'error',
      code: 'JOB_INVALID',
      path: `${J}/badini/job.ini`,
      message: "line 5: timezone: expected an IANA time zone such as Europe/Berlin or UTC, got 'Mars/Base'",
    },
    {
      severity: 'error',
      code: 'SCHEDULE_INVALID',
      path: `${J}/badsched/schedule`,
      message: `line 2: ${parserError('61 * * * *')}`,
    },
    {
      severity: 'error',
      code: 'JOB_INVALID',
      path: `${J}/blank/schedule`,
      message: 'no schedule expression (every line is blank or a # comment)',
    },
    {
      severity: 'error',
      code: 'JOB_INVALID',
      path: `${J}/both`,
      message: "both a 'schedule' file and 'schedule =' in job.ini (line 1); keep one",
    },
    {
      severity: 'error',
      code: 'JOB_INVALID',
      path: `${J}/empty`,
      message:
        "no schedule (add a 'schedule' file or 'schedule =' in job.ini; 'schedule = none' for a job that only runs when triggered, or period =)",
    },
    {
      severity: 'error',
      code: 'JOB_INVALID',
      path: `${J}/empty`,
      message: 'nothing to run (add one executable file, or set command = in job.ini)',
    },
    {
      severity: 'error',
      code: 'JOB_INVALID',
      path: `${J}/noexec`,
      message: 'no executable file (run.sh is not executable): chmod +x the script, or set command = in job.ini',
    },
    {
      severity: 'warning',
      code: 'JOB_INVALID',
      path: `${J}/stray.sh`,
      message:
        'not in a job folder, so it is not a job: move it into a folder such as 5min/ (PyCron layout) or NAME/ with a schedule file',
    },
    {
      severity: 'error',
      code: 'JOB_INVALID',
      path: `${J}/two`,
      message:
        '2 executable files (a.sh, b.sh); a job folder runs exactly one: remove the exec bit from the others or set command = in job.ini',
    },
    {
      severity: 'error',
      code: 'JOB_INVALID',
      path: `${J}/unknownkey/job.ini`,
      message: `line 3: unknown key 'timout' (did you mean 'timeout'? known keys: ${JOB_INI_KEYS.map((k) => k.key).join(', ')})`,
    },
  ];
  assert.deepEqual(diagnostics, expected);
});

test('scanEntry reads one entry the same way, and a missing entry is empty', async () => {
  const full = await scanJobsFolder(J, OPTS);
  for (const entry of ['5min', 'backup', 'two', 'stray.sh']) {
    const one = await scanEntry(J, entry, OPTS);
    const prefix = `${J}/${entry}`;
    const summary = (jobs: JobSpec[]): string[][] =>
      jobs.map((j) => [j.name, j.file, j.fingerprint, ...j.schedules.map((s) => s.expression)]);
    const expected = full.jobs.filter((j) => j.name === entry || j.name.startsWith(`${entry}/`));
    assert.deepEqual(summary(one.jobs), summary(expected), entry);
    assert.deepEqual(
      one.diagnostics,
      full.diagnostics.filter((d) => d.path === prefix || d.path.startsWith(`${prefix}/`)),
      entry,
    );
  }
  assert.deepEqual(await scanEntry(J, 'no-such-folder', OPTS), { jobs: [], diagnostics: [] });
  assert.deepEqual(await scanEntry(J, '.hidden', OPTS), { jobs: [], diagnostics: [] });
  assert.deepEqual(await scanEntry(J, 'README.md', OPTS), { jobs: [], diagnostics: [] });
});

test('a missing jobs folder is one error', async () => {
  const missing = `${temp.root}/nope`;
  const result = await scanJobsFolder(missing, OPTS);
  assert.deepEqual(result, {
    jobs: [],
    diagnostics: [
      {
        severity: 'error',
        code: 'IO_FAILED',
        path: missing,
        message: `the jobs folder cannot be read (ENOENT: no such file or directory, scandir '${missing}')`,
      },
    ],
  });
});

test('the fingerprint changes when the script, the schedule or job.ini changes, and only then', async () => {
  const t = await makeTempJobs();
  try {
    await writeTree(t.jobs, {
      'a/schedule': '@hourly\n',
      'a/run.sh': exec('#!/bin/sh\necho 1\n'),
      'b/job.ini': 'schedule = @daily\ncommand = true\n',
      '5min/x.sh': exec(),
    });
    const print = async (): Promise<Record<string, string>> =>
      Object.fromEntries((await scanJobsFolder(t.jobs, OPTS)).jobs.map((j) => [j.name, j.fingerprint]));
    const first = await print();
    assert.deepEqual(await print(), first, 'stable when nothing changed');

    await fs.writeFile(`${t.jobs}/a/run.sh`, '#!/bin/sh\necho 22\n');
    const second = await print();
    assert.notEqual(second.a, first.a, 'script content (size) changed');
    assert.equal(second.b, first.b);

    await fs.utimes(`${t.jobs}/5min/x.sh`, new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
    const third = await print();
    assert.notEqual(third['5min/x.sh'], second['5min/x.sh'], 'script mtime changed');

    await fs.writeFile(`${t.jobs}/a/schedule`, '@daily\n');
    await fs.writeFile(`${t.jobs}/b/job.ini`, 'schedule = @daily\ncommand = true\ntimeout = 5m\n');
    const fourth = await print();
    assert.notEqual(fourth.a, third.a, 'schedule changed');
    assert.notEqual(fourth.b, third.b, 'job.ini changed');

    const other = await scanJobsFolder(t.jobs, { timezone: 'Asia/Tokyo' });
    assert.notEqual(other.jobs.find((j) => j.name === 'a')?.fingerprint, fourth.a, 'zone changed');
  } finally {
    await t.cleanup();
  }
});

test('job.ini keys at the top, ini traps warned about, enabled spellings; an unknown section is an error', async () => {
  const t = await makeTempJobs();
  try {
    await writeTree(t.jobs, {
      'a/job.ini': '\uFEFFschedule = 0 0 * * 5#2\ncommand = true\nenabled = TRUE\n',
      'b/job.ini': 'schedule = "0 0 * * 5#2"\ncommand = true\nenabled = off\ntimeout = 90\n',
      'c/job.ini': 'schedule = @daily\ncommand = true\n[extra]\nx = 1\n[envs]\n',
    });
    const { jobs, diagnostics } = await scanJobsFolder(t.jobs, OPTS);
    assert.deepEqual(
      jobs.map((j) => [j.name, j.schedules[0]?.expression, j.enabled, j.timeoutMs]),
      [
        ['a', '0 0 * * 5', true, undefined],
        ['b', '0 0 * * 5#2', false, 90_000],
      ],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.path, d.message]),
      [
        [
          'warning',
          'CONFIG_INI_COMMENT',
          `${t.jobs}/a/job.ini`,
          `${t.jobs}/a/job.ini:1 schedule: the value holds an unquoted '#', which ini reads as a comment; quote the value ("...") to keep it`,
        ],
        [
          'error',
          'JOB_INVALID',
          `${t.jobs}/c/job.ini`,
          'line 3: unknown section [extra] (job.ini sections: [job], [env], [trigger], [cron])',
        ],
        [
          'error',
          'JOB_INVALID',
          `${t.jobs}/c/job.ini`,
          'line 5: unknown section [envs] (did you mean [env]? job.ini sections: [job], [env], [trigger], [cron])',
        ],
      ],
    );
  } finally {
    await t.cleanup();
  }
});
