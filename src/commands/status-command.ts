// `pycron status`: what the running service is doing, asked over its control socket (or its HTTP API): each job
// with its schedule in words, paused or running, next run and last result, and the job folders it could not load.
import type { CommonArgs } from './load-context.ts';
import { loadSettingsOrExit } from './load-context.ts';
import { askService } from './ask-service.ts';
import { exitCodeOfError } from './exit-code-of-error.ts';
import { formatStatus } from './format-status.ts';
import { replyTimeoutMs } from './reply-timeout-ms.ts';
import { stdoutWantsColour } from './stdout-wants-colour.ts';

export async function statusCommand(args: CommonArgs & { json?: boolean; timeout?: number }): Promise<number> {
  const timeoutMs = replyTimeoutMs(args.timeout);
  const { settings, warnings } = loadSettingsOrExit(args);
  const { answer, via } = await askService(settings, warnings, { op: 'status' }, timeoutMs);
  if (!answer.ok) {
    process.stderr.write(`pycron: ${answer.message}\n`);
    return exitCodeOfError(answer.code);
  }
  if (!('jobs' in answer)) throw new Error(`askService gave no status for a status request (${via})`);
  process.stdout.write(
    args.json ? `${JSON.stringify(answer, null, 2)}\n` : formatStatus(answer, via, stdoutWantsColour()),
  );
  return 0;
}
