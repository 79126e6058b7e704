// `pycron trigger JOB [-- args...]`: asks the running service (the one started with the same config) to run a job
// now, through the job's overlap policy, over the control socket. The exit code says what became of the request.
import type { ControlReply } from '../control/control-protocol.ts';
import { DEFAULT_REPLY_TIMEOUT_MS, sendControlRequest } from '../control/send-control-request.ts';
import type { TriggerOutcomeKind } from '../dispatch/trigger-outcome.ts';
import { ERROR_CODES, PycronError, isPycronError } from '../errors.ts';
import { loadSettingsOrExit, type CommonArgs } from './load-context.ts';

/** started and queued: it will run (0); collapsed into a run already pending (3); refused by the job's policy (4). */
export const TRIGGER_EXIT_CODES: Record<TriggerOutcomeKind, number> = {
  started: 0,
  queued: 0,
  collapsed: 3,
  refused: 4,
};

const MAX_TIMEOUT_SECONDS = 3600;

export interface TriggerArgs extends CommonArgs {
  job: string;
  /** Everything after `--`, verbatim. */
  args: string[];
  json?: boolean;
  /** Seconds to wait for the reply. */
  timeout?: number;
}

export async function triggerCommand(args: TriggerArgs): Promise<number> {
  if (args.timeout !== undefined && !(args.timeout > 0 && args.timeout <= MAX_TIMEOUT_SECONDS))
    throw new PycronError('USAGE', {
      where: { key: '--timeout' },
      expected: `a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}`,
      got: String(args.timeout),
    });
  const { settings, warnings } = loadSettingsOrExit(args);
  let reply: ControlReply;
  try {
    if (settings.controlSocket === null) {
      const why = warnings.find((d) => d.message.includes('[Control] SOCKET'));
      throw new PycronError('SERVICE_UNREACHABLE', {
        reason: `the control socket is off, so the service cannot be reached: ${why ? why.message : `[Control] SOCKET is empty in ${settings.configFile ?? 'the config'}`}`,
      });
    }
    const config = settings.configFile ? ` -c ${settings.configFile}` : '';
    reply = await sendControlRequest(
      settings.controlSocket,
      { op: 'trigger', job: args.job, args: args.args, source: 'cli' },
      {
        timeoutMs: args.timeout === undefined ? DEFAULT_REPLY_TIMEOUT_MS : Math.round(args.timeout * 1000),
        startHint: `start it with 'pycron${config}' (or through your service manager)`,
      },
    );
  } catch (error) {
    if (!isPycronError(error)) throw error;
    reply = { ok: false, code: error.code, message: error.message };
  }

  if (args.json) process.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
  if (reply.ok && 'outcome' in reply) {
    if (!args.json) process.stdout.write(`${reply.message}\n`);
    return TRIGGER_EXIT_CODES[reply.outcome] ?? 1;
  }
  if (reply.ok) {
    if (!args.json) process.stderr.write('pycron: the service gave no trigger outcome\n');
    return 1;
  }
  if (!args.json) process.stderr.write(`pycron: ${reply.message}\n`);
  // A code this build does not know (a newer service) is a plain failure.
  return Object.hasOwn(ERROR_CODES, reply.code) ? ERROR_CODES[reply.code].exit : 1;
}
