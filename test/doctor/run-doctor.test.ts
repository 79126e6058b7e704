import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSettings } from '../../src/config/load-settings.ts';
import { runDoctor, type DoctorInput } from '../../src/doctor/run-doctor.ts';
import { healthyHost, memorySystemFacts } from './memory-system-facts.ts';

const CONFIG = '/etc/pycron/config.ini';

function inputFor(configText: string | undefined, extra: Partial<DoctorInput> = {}): DoctorInput {
  const { settings, diagnostics } = loadSettings({
    configPath: CONFIG,
    flags: {},
    cwd: '/',
    hostTimezone: 'UTC',
    exists: (file) => file === CONFIG && configText !== undefined,
    readText: () => configText ?? '',
  });
  return {
    settings,
    configDiagnostics: diagnostics,
    jobs: [
      { name: 'backup', timezone: 'Europe/Berlin' },
      { name: 'report', timezone: 'UTC' },
    ],
    jobDiagnostics: [],
    nodeRange: '^20.19.0 || >=22.12.0',
    ...extra,
  };
}

test('a healthy host: every check once, in order, all ok', () => {
  const findings = runDoctor(inputFor('[Timings]\nSLEEP_DURATION = 1\n'), memorySystemFacts(healthyHost()));
  assert.deepEqual(
    findings.map((f) => `${f.severity} ${f.check}`),
    [
      'ok config',
      'ok node',
      'ok jobs',
      'ok inotify',
      'ok paths',
      'ok paths',
      'ok paths',
      'ok clock',
      'ok disk',
      'ok timezones',
      'ok timezones',
    ],
  );
  assert.equal(findings[0]?.message, '/etc/pycron/config.ini: no problems');
  assert.equal(findings[2]?.message, '2 jobs in /etc/pycron/jobs load, no folder with problems');
  assert.equal(findings[9]?.message, "Node's time zone data 2025c knows the 2 zones in use (Europe/Berlin, UTC)");
});

test('a config file that does not exist is an error finding that points at pycron init', () => {
  const [config] = runDoctor(inputFor(undefined), memorySystemFacts(healthyHost()));
  assert.deepEqual(config, {
    check: 'config',
    severity: 'error',
    message:
      '1 configuration error, the service will not start: /etc/pycron/config.ini: the config file given with -c does not exist',
    fix: 'create it with pycron init --prefix FOLDER, or give the right file with -c',
  });
});

test('a wrong value is an error, an unknown key a warning; both point at pycron validate', () => {
  const [bad] = runDoctor(inputFor('[Timings]\nSLEEP_DURATION = ten\n'), memorySystemFacts(healthyHost()));
  assert.deepEqual(bad, {
    check: 'config',
    severity: 'error',
    message:
      "1 configuration error, the service will not start: /etc/pycron/config.ini:2 [Timings] SLEEP_DURATION: expected a number of seconds greater than 0 and at most 2000000 seconds, got 'ten'",
    fix: 'fix what pycron validate -c /etc/pycron/config.ini lists',
  });
  const [unknown] = runDoctor(inputFor('[Timings]\nSLEEP_DURATON = 1\n'), memorySystemFacts(healthyHost()));
  assert.deepEqual(unknown, {
    check: 'config',
    severity: 'warn',
    message: '/etc/pycron/config.ini: 1 warning',
    fix: 'see what pycron validate -c /etc/pycron/config.ini lists',
  });
});

test('job folders that cannot be loaded are counted once each and sent to pycron validate', () => {
  const problem = (path: string) => ({ severity: 'error' as const, code: 'JOB_INVALID' as const, path, message: 'x' });
  const input = inputFor('', {
    jobDiagnostics: [problem('/etc/pycron/jobs/a'), problem('/etc/pycron/jobs/a'), problem('/etc/pycron/jobs/b')],
  });
  const jobs = runDoctor(input, memorySystemFacts(healthyHost())).find((f) => f.check === 'jobs');
  assert.deepEqual(jobs, {
    check: 'jobs',
    severity: 'warn',
    message: '2 jobs in /etc/pycron/jobs load; 2 folders or files cannot be loaded and will not run',
    fix: 'pycron validate -c /etc/pycron/config.ini lists each with its reason',
  });
});
