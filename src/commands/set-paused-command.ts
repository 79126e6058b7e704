// `pycron pause JOB` and `pycron resume JOB`: through the running service, which keeps the pause in its state file.
// A paused job's schedule and triggers are held; the run in progress, if any, goes on.
import { askService } from './ask-service.ts';
import { exitCodeOfError } from './exit-code-of-error.ts';
import { formatInstant } from './format-instant.ts';
import { loadSettingsOrExit, type CommonArgs } from './load-context.ts';
import { replyTimeoutMs } from './reply-timeout-ms.ts';

export interface SetPausedArgs extends CommonArgs {
  job: string;
  json?: boolean;
  timeout?: number;
}

export async function setPausedCommand(args: SetPausedArgs, paused: boolean): Promise<number> {
  const timeoutMs = replyTimeoutMs(args.timeout);
  const { settings, warnings } = loadSettingsOrExit(args);
  const op = paused ? 'pause' : 'resume';
  const { answer, via } = await askService(settings, warnings, { op, job: args.job }, timeoutMs);
  if (!answer.ok) {
    process.stderr.write(`pycron: ${answer.message}\n`);
    return exitCodeOfError(answer.code);
  }
  if (!('job' in answer)) throw new Error(`askService gave no job for a ${op} request (${via})`);
  const { job } = answer;
  if (args.json) {
    process.stdout.write(`${JSON.stringify(job, null, 2)}\n`);
    return 0;
  }
  const running = job.running > 0 ? '; the run in progress goes on' : '';
  const next = job.next_runs[0];
  process.stdout.write(
    paused
      ? `${job.name} paused: its schedule and triggers are held until 'pycron resume ${job.name}'${running}\n`
      : `${job.name} resumed: ${next === undefined ? 'no run is scheduled' : `next run ${formatInstant(Date.parse(next), job.timezone)}`}\n`,
  );
  return 0;
}
