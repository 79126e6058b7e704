// The command line: yargs commands only. Each command returns its exit code; a PycronError maps to its own.
import { readFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { doctorCommand } from './commands/doctor-command.ts';
import { initCommand } from './commands/init-command.ts';
import { listCommand } from './commands/list-command.ts';
import { nextCommand } from './commands/next-command.ts';
import { runCommand } from './commands/run-command.ts';
import { runsCommand } from './commands/runs-command.ts';
import { serviceCommand } from './commands/service-command.ts';
import { setPausedCommand } from './commands/set-paused-command.ts';
import { clusterCommand } from './commands/cluster-command.ts';
import { statusCommand } from './commands/status-command.ts';
import { workerCommand } from './commands/worker-command.ts';
import { triggerCommand } from './commands/trigger-command.ts';
import { validateCommand } from './commands/validate-command.ts';
import { isPycronError, PycronError } from './errors.ts';

const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

function withCommonOptions<T>(argv: Argv<T>) {
  return argv
    .option('config', {
      alias: 'c',
      type: 'string',
      describe: 'config.ini to read (default: ./config.ini, then /etc/pycron/config.ini)',
    })
    .option('target', { alias: 't', type: 'string', describe: 'jobs folder (overrides [Folders] JOBS_FOLDER)' })
    .option('log-folder', {
      alias: 'l',
      type: 'string',
      describe: 'logs folder for job_status.log (overrides [Folders] LOGS_FOLDER)',
    })
    .option('persistence-file', {
      alias: 'p',
      type: 'string',
      describe: 'state file (overrides [Folders] PERSISTENCE_FILE)',
    })
    .option('log-level', {
      type: 'string',
      describe: 'service log level: DEBUG, INFO, WARNING, ERROR (overrides [Logging] LOG_LEVEL)',
    })
    .option('log-format', { choices: ['text', 'json'] as const, describe: 'service log format on stderr' });
}

/** The JOB and options of the commands that change a job in the running service. */
function withServiceJobOptions<T>(argv: Argv<T>) {
  return argv
    .positional('job', { type: 'string', demandOption: true, describe: 'job name as `pycron status` shows it' })
    .option('json', { type: 'boolean', describe: 'print the job as the service describes it now, as JSON' })
    .option('timeout', { type: 'number', default: 10, describe: 'seconds to wait for the answer' });
}

/** The command line after the first `--`, exactly as the shell passed it. */
function argsAfterDoubleDash(): string[] {
  const raw = hideBin(process.argv);
  const at = raw.indexOf('--');
  return at === -1 ? [] : raw.slice(at + 1);
}

let exitCode = 0;
// `pycron status | head`: a reader that goes away ends the command quietly, not with an EPIPE stack trace. A
// command that watches for it itself (runs --follow) finishes its own way first.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' && process.stdout.listenerCount('error') === 1) process.exit(exitCode);
});
const setExit = (code: number): void => {
  exitCode = code;
};

const cli = withCommonOptions(yargs(hideBin(process.argv)))
  .scriptName('pycron')
  .usage(
    'pycron [-c config.ini] [command]\n\nA folder-driven job scheduler: drop a folder with a script and a schedule into the jobs folder.',
  )
  .command(
    '$0',
    'run the service in the foreground (stop with SIGTERM or Ctrl-C; SIGHUP reloads the config and rescans)',
    (y) => y.option('nuke', { type: 'boolean', describe: 'delete the state file before starting (PyCron --nuke)' }),
    async (args) => setExit(await serviceCommand(args)),
  )
  .command(
    'validate',
    'check the config and every job; print each problem with its path (exit 0 when clean, 2 otherwise)',
    (y) => y.option('json', { type: 'boolean', describe: 'machine-readable output' }),
    async (args) => setExit(await validateCommand(args)),
  )
  .command(
    'init',
    'set up a first installation: PREFIX/config.ini (every key commented), PREFIX/jobs with an example job and ' +
      'PREFIX/logs; never overwrites anything, and says what it created and what it skipped',
    (y) =>
      y.option('prefix', { type: 'string', default: '/etc/pycron', describe: 'the folder to set up', normalize: true }),
    (args) => setExit(initCommand(args)),
  )
  .command(
    'doctor',
    'check this host for what silently breaks a scheduler: inotify limits, folder permissions, clock sync, disk ' +
      'space, time zones, the Node.js version; each finding with a fix (exit 0 when no errors, 1 otherwise)',
    (y) => y.option('json', { type: 'boolean', describe: 'machine-readable output' }),
    async (args) => setExit(await doctorCommand(args)),
  )
  .command(
    'list',
    'list jobs with schedule, next run and last result',
    (y) => y.option('json', { type: 'boolean', describe: 'machine-readable output' }),
    async (args) => setExit(await listCommand(args)),
  )
  .command(
    'next <job>',
    "show the job's next firing instants, in its zone and in UTC",
    (y) =>
      y
        .positional('job', { type: 'string', demandOption: true, describe: 'job name as `pycron list` shows it' })
        .option('n', { alias: 'count', type: 'number', default: 5, describe: 'how many instants' })
        .option('json', { type: 'boolean', describe: 'machine-readable output' })
        .check((a) => {
          if (!Number.isInteger(a.n) || a.n < 1 || a.n > 10_000)
            throw new PycronError('USAGE', { reason: `-n: expected a whole number from 1 to 10000, got ${a.n}` });
          return true;
        }),
    async (args) => setExit(await nextCommand({ ...args, job: args.job, count: args.n })),
  )
  .command(
    'run <job>',
    "run one job now in the foreground, write its status record, exit with the job's exit code",
    (y) => y.positional('job', { type: 'string', demandOption: true, describe: 'job name as `pycron list` shows it' }),
    async (args) => setExit(await runCommand({ ...args, job: args.job })),
  )
  .command(
    'trigger <job>',
    'ask the running service to run a job now, through its policy: `pycron trigger JOB -- ARGS...` passes ARGS ' +
      'verbatim (exit 0 started or queued, 3 collapsed into a pending run, 4 refused, 1 service not reachable, ' +
      '2 unknown job)',
    (y) =>
      y
        .positional('job', { type: 'string', demandOption: true, describe: 'job name as `pycron list` shows it' })
        .option('json', { type: 'boolean', describe: "print the service's reply as JSON" })
        .option('timeout', { type: 'number', default: 10, describe: 'seconds to wait for the reply' }),
    // NOTE: the job's arguments come from the raw argv, after the first `--`, so yargs never parses or coerces them.
    async (args) => setExit(await triggerCommand({ ...args, job: args.job, args: argsAfterDoubleDash() })),
  )
  .command(
    'cluster',
    "show the cluster's instances, its workers, its stored jobs and who ran the latest firings, from its database ([Cluster])",
    (y) =>
      y
        .option('job', { type: 'string', describe: 'only the firings of this job' })
        .option('n', { alias: 'count', type: 'number', default: 20, describe: 'how many firings' })
        .option('json', { type: 'boolean', describe: 'machine-readable output' })
        .check((a) => {
          if (!Number.isInteger(a.n) || a.n < 1 || a.n > 10_000)
            throw new PycronError('USAGE', { reason: `-n: expected a whole number from 1 to 10000, got ${a.n}` });
          return true;
        }),
    async (args) => setExit(await clusterCommand({ ...args, count: args.n })),
  )
  .command(
    'worker',
    "run the jobs published for a routing key (job.ini routing_key) on this host, as CronQ's runner: consumes " +
      'the queue bound with --queue, reports each run back; needs [AMQP] URL and [Cluster] DATABASE_URL',
    (y) =>
      y
        .option('queue', { type: 'string', demandOption: true, describe: 'the queue, bound with this routing key' })
        .option('concurrency', { type: 'number', default: 1, describe: 'runs at once' })
        .option('id', { type: 'string', describe: "this worker's name (default HOST-PID)" })
        .check((a) => {
          if (!Number.isInteger(a.concurrency) || a.concurrency < 1 || a.concurrency > 1000)
            throw new PycronError('USAGE', { reason: `--concurrency: expected 1 to 1000, got ${a.concurrency}` });
          return true;
        }),
    async (args) => setExit(await workerCommand({ ...args, queue: args.queue, concurrency: args.concurrency })),
  )
  .command(
    'status',
    'what the running service is doing: each job with its schedule, paused or running, next run and last result, ' +
      'and the job folders it could not load (over the control socket, else the HTTP API; exit 1 when neither answers)',
    (y) =>
      y
        .option('json', { type: 'boolean', describe: "print the service's answer as JSON" })
        .option('timeout', { type: 'number', default: 10, describe: 'seconds to wait for the answer' }),
    async (args) => setExit(await statusCommand(args)),
  )
  .command(
    'pause <job>',
    "hold a job's schedule and triggers in the running service until `pycron resume` (kept across restarts; " +
      'exit 2 unknown job, 1 service not reachable)',
    (y) => withServiceJobOptions(y),
    async (args) => setExit(await setPausedCommand({ ...args, job: args.job }, true)),
  )
  .command(
    'resume <job>',
    'undo `pycron pause`: the job runs on its schedule again from now (exit 2 unknown job, 1 service not reachable)',
    (y) => withServiceJobOptions(y),
    async (args) => setExit(await setPausedCommand({ ...args, job: args.job }, false)),
  )
  .command(
    'runs [job]',
    'the status log, newest last: every run (of JOB) with its start, result, duration, run id and reason; read ' +
      'from LOGS_FOLDER, so it works with or without the service',
    (y) =>
      y
        .positional('job', { type: 'string', describe: 'only the runs of this job (one removed since is fine)' })
        .option('n', { alias: 'count', type: 'number', default: 20, describe: 'how many of the last runs' })
        .option('status', { choices: ['ok', 'failed'] as const, describe: 'only successful or only failed runs' })
        .option('json', { type: 'boolean', describe: 'the stored status records, one JSON object per line' })
        .option('follow', { alias: 'f', type: 'boolean', describe: 'keep printing new runs until Ctrl-C' })
        .check((a) => {
          if (!Number.isInteger(a.n) || a.n < 0 || a.n > 1_000_000)
            throw new PycronError('USAGE', { reason: `-n: expected a whole number from 0 to 1000000, got ${a.n}` });
          return true;
        }),
    async (args) => setExit(await runsCommand({ ...args, count: args.n })),
  )
  .strict()
  .version(version)
  .alias('h', 'help')
  .alias('V', 'version')
  .wrap(Math.min(110, process.stdout.columns || 100))
  .fail((message, error) => {
    if (error) throw error;
    process.stderr.write(`pycron: ${message}\nRun 'pycron --help' for usage.\n`);
    process.exit(EXIT_USAGE);
  });

try {
  await cli.parseAsync();
  process.exitCode = exitCode;
} catch (error) {
  if (isPycronError(error)) {
    process.stderr.write(`pycron: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`pycron: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  }
}
