// Is the system clock kept right by NTP? A scheduler runs jobs by the wall clock: a drifting clock runs them late
// or early, and a clock set at boot from a bad RTC (devices without a battery) can be off by years.
import type { Finding } from './finding.ts';
import type { ClockSync } from './system-facts.ts';

const ENABLE_NTP = 'sudo timedatectl set-ntp true (systemd-timesyncd), or install and start chrony';

export function checkClock(sync: ClockSync): Finding {
  if (sync.state === 'unknown')
    return {
      check: 'clock',
      severity: 'warn',
      message: `cannot tell whether the system clock is synchronised: ${sync.reason} (in a container, the host keeps the clock)`,
      fix: "check NTP on the host (chronyc tracking, timedatectl); to let doctor read the kernel's flag without systemd, install adjtimex",
    };
  if (sync.state === 'synchronised')
    return { check: 'clock', severity: 'ok', message: `the system clock is synchronised (${sync.source})` };
  return {
    check: 'clock',
    severity: 'warn',
    message: `the system clock is not synchronised (${sync.source}): jobs run by a clock that may be wrong`,
    fix: ENABLE_NTP,
  };
}
