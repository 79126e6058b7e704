// `pycron runs [JOB]`: the status log, readable, newest last, read from LOGS_FOLDER's daily files (the service need
// not run). --json prints the stored records as they are; --follow goes on printing new ones, across the change of
// day, until SIGINT or SIGTERM.
import type { Settings } from '../config/settings.ts';
import type { IndexedRun } from '../history/indexed-run.ts';
import { zoneOf } from './format-instant.ts';
import { followStatusLog } from './follow-status-log.ts';
import { loadSettingsOrExit, type CommonArgs } from './load-context.ts';
import { loadJobs } from './load-jobs.ts';
import { RunsTable } from './runs-table.ts';
import { StatusLogTail, type LoggedRun } from './status-log-tail.ts';
import { stdoutWantsColour } from './stdout-wants-colour.ts';

const MAX_FOLLOWED_NAME_CHARS = 40;

export interface RunsArgs extends CommonArgs {
  job?: string;
  /** The last `count` runs (after the filters); 0 with --follow: only new ones. */
  count: number;
  status?: 'ok' | 'failed';
  json?: boolean;
  follow?: boolean;
}

export async function runsCommand(args: RunsArgs): Promise<number> {
  const { settings } = loadSettingsOrExit(args);
  const wanted = (run: IndexedRun): boolean =>
    (args.job === undefined || run.job === args.job) &&
    (args.status === undefined || run.ok === (args.status === 'ok'));
  const tail = new StatusLogTail(settings.logsFolder, wanted);
  const stop = new AbortController();
  // `pycron runs | head`: a reader that goes away (EPIPE) ends the command quietly; other write errors say why.
  let exitCode = 0;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && exitCode === 0) {
      process.stderr.write(`pycron: cannot write the runs: ${error.message}\n`);
      exitCode = 1;
    }
    stop.abort();
  });

  const first = await tail.readNew(args.count);
  const zones = args.json ? undefined : await jobZones(settings);
  const localZone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  const table = new RunsTable({ zoneOf: (job) => zones?.get(job) ?? localZone, colour: stdoutWantsColour() });
  // --follow: room for the job names that may show up later (up to a bound: one long name must not widen every line).
  const names = args.follow ? [...(zones?.keys() ?? [])].filter((name) => name.length <= MAX_FOLLOWED_NAME_CHARS) : [];
  table.fit(
    first.runs.map((logged) => logged.run),
    args.job === undefined ? names : [args.job],
  );
  let headerPrinted = false;
  const print = (runs: readonly LoggedRun[]): void => {
    if (stop.signal.aborted || runs.length === 0) return;
    if (args.json) {
      process.stdout.write(runs.map((logged) => `${logged.text}\n`).join(''));
      return;
    }
    const lines = runs.map((logged) => table.line(logged.run));
    if (!headerPrinted) lines.unshift(table.header());
    headerPrinted = true;
    process.stdout.write(`${lines.join('\n')}\n`);
  };

  if (first.matched === 0) {
    const note = await noRunsNote(settings, args, zones);
    // NOTE: on stderr with --json, so that stdout stays JSON lines.
    (args.json ? process.stderr : process.stdout).write(`${note}\n`);
  }
  print(first.runs);
  if (!args.follow) return exitCode;

  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await followStatusLog(settings.logsFolder, async () => print((await tail.readNew()).runs), stop.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return exitCode;
}

/** Each loaded job's zone; a job whose runs remain but whose folder is gone shows in the local zone. */
async function jobZones(settings: Settings): Promise<Map<string, string>> {
  const { jobs } = await loadJobs(settings);
  return new Map(jobs.map((job) => [job.name, zoneOf(job)]));
}

/** Why nothing is printed: no runs at all, none matching, or none of a job that is not loaded either. */
async function noRunsNote(settings: Settings, args: RunsArgs, zones: Map<string, string> | undefined): Promise<string> {
  const which = args.status === undefined ? 'runs' : args.status === 'ok' ? 'successful runs' : 'failed runs';
  const where = `in the status log (${settings.logsFolder})`;
  if (args.job === undefined) return `no ${which} ${where} yet`;
  const known = zones ?? (await jobZones(settings));
  const unknown = known.has(args.job)
    ? ''
    : `; no job named '${args.job}' is loaded from ${settings.jobsFolder} either`;
  return `no ${which} of ${args.job} ${where}${unknown}`;
}
