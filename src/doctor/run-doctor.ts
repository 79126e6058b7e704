// Every check of `pycron doctor`, in the order a reader fixes them: the config, Node.js, the jobs, then the host.
import type { Settings } from '../config/settings.ts';
import type { Diagnostic } from '../diagnostic.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import { checkClock } from './check-clock.ts';
import { checkDiskSpace } from './check-disk-space.ts';
import { checkInotify } from './check-inotify.ts';
import { checkNodeVersion } from './check-node-version.ts';
import { checkPaths } from './check-paths.ts';
import { checkTimeZones } from './check-time-zones.ts';
import type { Finding } from './finding.ts';
import type { SystemFacts } from './system-facts.ts';

const NAMES_SHOWN = 3;

export interface DoctorInput {
  settings: Settings;
  /** What loading the config said; errors mean some settings fell back to their defaults. */
  configDiagnostics: readonly Diagnostic[];
  jobs: readonly Pick<JobSpec, 'name' | 'timezone'>[];
  jobDiagnostics: readonly Diagnostic[];
  /** package.json `engines.node`. */
  nodeRange: string;
}

export function runDoctor(input: DoctorInput, facts: SystemFacts): Finding[] {
  const { settings } = input;
  return [
    checkConfig(settings, input.configDiagnostics),
    checkNodeVersion(facts.nodeVersion(), input.nodeRange),
    checkJobs(settings, input.jobs.length, input.jobDiagnostics),
    ...checkInotify(facts, settings.jobsFolder, settings.rescanEveryMs),
    ...checkPaths(facts, settings),
    checkClock(facts.clockSync()),
    checkDiskSpace(facts, settings.logsFolder, settings.statusLogRetentionDays),
    ...checkTimeZones(facts, zonesInUse(settings.timezone, input.jobs)),
  ];
}

function checkConfig(settings: Settings, diagnostics: readonly Diagnostic[]): Finding {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const file = settings.configFile;
  const validate = `pycron validate${file ? ` -c ${file}` : ''}`;
  if (errors.length > 0)
    return {
      check: 'config',
      severity: 'error',
      message: `${errors.length} configuration error${errors.length === 1 ? '' : 's'}, the service will not start: ${errors[0]!.message}${errors.length > 1 ? ' (and more)' : ''}`,
      fix: errors.some((d) => d.code === 'CONFIG_NOT_FOUND')
        ? 'create it with pycron init --prefix FOLDER, or give the right file with -c'
        : `fix what ${validate} lists`,
    };
  const warnings = diagnostics.length;
  if (warnings > 0)
    return {
      check: 'config',
      severity: 'warn',
      message: `${file ?? 'the built-in defaults'}: ${warnings} warning${warnings === 1 ? '' : 's'}`,
      fix: `see what ${validate} lists`,
    };
  if (!file)
    return {
      check: 'config',
      severity: 'warn',
      message: 'no config file (./config.ini, /etc/pycron/config.ini): the built-in defaults apply',
      fix: 'sudo pycron init (writes /etc/pycron/config.ini), or give one with -c',
    };
  return { check: 'config', severity: 'ok', message: `${file}: no problems` };
}

function checkJobs(settings: Settings, loaded: number, diagnostics: readonly Diagnostic[]): Finding {
  const broken = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.path)).size;
  const jobs = `${loaded} job${loaded === 1 ? '' : 's'} in ${settings.jobsFolder}`;
  const load = loaded === 1 ? 'loads' : 'load';
  if (broken === 0) return { check: 'jobs', severity: 'ok', message: `${jobs} ${load}, no folder with problems` };
  return {
    check: 'jobs',
    severity: 'warn',
    message: `${jobs} ${load}; ${broken} folder${broken === 1 ? '' : 's'} or file${broken === 1 ? '' : 's'} cannot be loaded and will not run`,
    fix: `pycron validate${settings.configFile ? ` -c ${settings.configFile}` : ''} lists each with its reason`,
  };
}

/** Each zone in use, with who uses it: the config's default zone and each job's. */
function zonesInUse(defaultZone: string, jobs: readonly Pick<JobSpec, 'name' | 'timezone'>[]): Map<string, string[]> {
  const users = new Map<string, string[]>([[defaultZone, ['[Jobs] TIMEZONE']]]);
  for (const job of jobs) {
    const list = users.get(job.timezone) ?? [];
    if (list.length === 0) users.set(job.timezone, list);
    list.push(job.name);
  }
  for (const [zone, list] of users)
    if (list.length > NAMES_SHOWN)
      users.set(zone, [...list.slice(0, NAMES_SHOWN), `${list.length - NAMES_SHOWN} more`]);
  return users;
}
