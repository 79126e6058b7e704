// The findings about the host itself: clock, disk, time zones, Node.js.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkClock } from '../../src/doctor/check-clock.ts';
import { checkDiskSpace } from '../../src/doctor/check-disk-space.ts';
import { checkNodeVersion } from '../../src/doctor/check-node-version.ts';
import { checkTimeZones } from '../../src/doctor/check-time-zones.ts';
import { healthyHost, memorySystemFacts } from './memory-system-facts.ts';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

test('clock: synchronised, not synchronised, unknown (and why)', () => {
  assert.deepEqual(checkClock({ state: 'synchronised', source: 'timedatectl' }), {
    check: 'clock',
    severity: 'ok',
    message: 'the system clock is synchronised (timedatectl)',
  });
  assert.deepEqual(checkClock({ state: 'not-synchronised', source: '/usr/bin/adjtimex (kernel status 8257)' }), {
    check: 'clock',
    severity: 'warn',
    message:
      'the system clock is not synchronised (/usr/bin/adjtimex (kernel status 8257)): jobs run by a clock that may be wrong',
    fix: 'sudo timedatectl set-ntp true (systemd-timesyncd), or install and start chrony',
  });
  assert.deepEqual(
    checkClock({ state: 'unknown', reason: 'timedatectl is not installed, and /usr/bin/adjtimex is not installed' }),
    {
      check: 'clock',
      severity: 'warn',
      message:
        'cannot tell whether the system clock is synchronised: timedatectl is not installed, and /usr/bin/adjtimex is not installed (in a container, the host keeps the clock)',
      fix: "check NTP on the host (chronyc tracking, timedatectl); to let doctor read the kernel's flag without systemd, install adjtimex",
    },
  );
});

test('disk: plenty, nearly full, full, out of inodes; a missing logs folder is measured at its nearest parent', () => {
  const host = healthyHost();
  const facts = memorySystemFacts(host);
  assert.deepEqual(checkDiskSpace(facts, '/etc/pycron/logs', 30), {
    check: 'disk',
    severity: 'ok',
    message: 'the file system of /etc/pycron/logs: 20.0 GiB free of 50.0 GiB',
  });
  const fix =
    'free space on the file system of /etc/pycron/logs (df -h /etc/pycron/logs), or keep fewer days of logs (STATUS_LOG_RETENTION_DAYS, now 30) or less output per run (OUTPUT_CAPTURE_BYTES)';
  host.free = { availableBytes: 2 * GIB, totalBytes: 100 * GIB, availableInodes: 1e6, totalInodes: 3e6 };
  assert.deepEqual(checkDiskSpace(facts, '/etc/pycron/logs', 30), {
    check: 'disk',
    severity: 'warn',
    message: 'the file system of /etc/pycron/logs is nearly full: 2.0 GiB free of 100.0 GiB',
    fix,
  });
  host.free = { availableBytes: 10 * MIB, totalBytes: 8 * GIB, availableInodes: 1e6, totalInodes: 3e6 };
  assert.deepEqual(checkDiskSpace(facts, '/etc/pycron/logs', 30), {
    check: 'disk',
    severity: 'error',
    message: 'the file system of /etc/pycron/logs has 10.0 MiB free of 8.0 GiB: runs will soon fail to be recorded',
    fix,
  });
  host.free = { availableBytes: 20 * GIB, totalBytes: 50 * GIB, availableInodes: 12, totalInodes: 3e6 };
  host.paths.delete('/etc/pycron/logs');
  assert.deepEqual(checkDiskSpace(facts, '/etc/pycron/logs', 30), {
    check: 'disk',
    severity: 'warn',
    message:
      'the file system of /etc/pycron/logs has 12 free inodes left: new files (daily logs, the state file) will fail',
    fix: 'delete small files on the file system of /etc/pycron/logs (df -i /etc/pycron)',
  });
});

test('time zones: every zone in use is known; an unknown one names who uses it', () => {
  const host = healthyHost();
  const facts = memorySystemFacts(host);
  const zones = new Map([
    ['UTC', ['[Jobs] TIMEZONE']],
    ['Europe/Berlin', ['backup', 'report']],
  ]);
  assert.deepEqual(checkTimeZones(facts, zones), [
    {
      check: 'timezones',
      severity: 'ok',
      message: "Node's time zone data 2025c knows the 2 zones in use (Europe/Berlin, UTC)",
    },
    { check: 'timezones', severity: 'ok', message: "the system's zoneinfo is in /usr/share/zoneinfo (version 2025c)" },
  ]);
  host.zones.delete('Europe/Berlin');
  host.zoneinfo = { present: false };
  assert.deepEqual(checkTimeZones(facts, zones), [
    {
      check: 'timezones',
      severity: 'error',
      message: "Node's time zone data 2025c does not know Europe/Berlin (used by backup, report)",
      fix: 'use an IANA zone name (e.g. Europe/Berlin; see timedatectl list-timezones), or a Node.js built with full ICU',
    },
    {
      check: 'timezones',
      severity: 'warn',
      message:
        "the system has no zoneinfo database (/usr/share/zoneinfo): pycron schedules right, but jobs' own programs (date, python) treat every TZ as UTC",
      fix: 'install tzdata (apt-get install tzdata, apk add tzdata, dnf install tzdata)',
    },
  ]);
});

test('time zones: different data versions are shown, not judged', () => {
  const host = healthyHost();
  host.zoneinfo = { present: true, folder: '/usr/share/zoneinfo', version: '2024a' };
  assert.deepEqual(checkTimeZones(memorySystemFacts(host), new Map([['UTC', ['[Jobs] TIMEZONE']]]))[1], {
    check: 'timezones',
    severity: 'ok',
    message: "the system's zoneinfo is in /usr/share/zoneinfo (version 2024a; Node's is 2025c)",
  });
});

test('node: a version outside engines is an error', () => {
  assert.deepEqual(checkNodeVersion('20.19.1', '^20.19.0 || >=22.12.0'), {
    check: 'node',
    severity: 'ok',
    message: 'Node.js 20.19.1 satisfies ^20.19.0 || >=22.12.0',
  });
  assert.deepEqual(checkNodeVersion('20.10.0', '^20.19.0 || >=22.12.0'), {
    check: 'node',
    severity: 'error',
    message:
      'Node.js 20.10.0 is not supported: pycron needs ^20.19.0 || >=22.12.0 (its dependencies fail on older versions)',
    fix: 'install a supported Node.js (e.g. the current 22.x LTS from nodejs.org or your distribution), then reinstall pycron',
  });
});
