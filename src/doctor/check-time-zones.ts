// Does the time zone data know every zone the jobs use? pycron computes slots with Node's ICU data; the jobs' own
// programs (date, python, cron-like tools) read the system's zoneinfo, which slim containers lack.
import type { Finding } from './finding.ts';
import type { SystemFacts } from './system-facts.ts';

/** `zones`: each zone in use and who uses it (`[Jobs] TIMEZONE`, job names). */
export function checkTimeZones(facts: SystemFacts, zones: ReadonlyMap<string, readonly string[]>): Finding[] {
  const findings: Finding[] = [];
  const unknown = [...zones].filter(([zone]) => !facts.supportsZone(zone));
  const icu = facts.icuZoneDataVersion();
  const icuText = `Node's time zone data${icu ? ` ${icu}` : ''}`;
  if (unknown.length > 0)
    findings.push({
      check: 'timezones',
      severity: 'error',
      message: `${icuText} does not know ${unknown.map(([zone, users]) => `${zone} (used by ${users.join(', ')})`).join('; ')}`,
      fix: 'use an IANA zone name (e.g. Europe/Berlin; see timedatectl list-timezones), or a Node.js built with full ICU',
    });
  else
    findings.push({
      check: 'timezones',
      severity: 'ok',
      message: `${icuText} knows the ${zones.size} zone${zones.size === 1 ? '' : 's'} in use (${[...zones.keys()].sort().join(', ')})`,
    });
  const system = facts.systemZoneinfo();
  if (!system.present)
    findings.push({
      check: 'timezones',
      severity: 'warn',
      message: `the system has no zoneinfo database (/usr/share/zoneinfo): pycron schedules right, but jobs' own programs (date, python) treat every TZ as UTC`,
      fix: 'install tzdata (apt-get install tzdata, apk add tzdata, dnf install tzdata)',
    });
  else
    findings.push({
      check: 'timezones',
      severity: 'ok',
      message: `the system's zoneinfo is in ${system.folder}${system.version ? ` (version ${system.version}${icu && icu !== system.version ? `; Node's is ${icu}` : ''})` : ''}`,
    });
  return findings;
}
