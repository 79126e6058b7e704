// The two messages of remote runs. A run goes out with CronQ's fields (run_id, job_id, name, cmd) and ours; results
// come back as CronQ's runner sent them (starting, then finished or failed), with the whole outcome.
import { z } from 'zod';

export const remoteRunSchema = z.object({
  run_id: z.uuid(),
  /** The job's name (CronQ's job id). */
  job_id: z.string().min(1),
  /** The job's title. */
  name: z.string(),
  /** Run with /bin/sh -c, the args as "$@" (for a job folder with a script: its absolute path). */
  cmd: z.string().min(1),
  args: z.array(z.string()),
  scheduled_at: z.string(),
  attempt: z.number().int().min(1),
  /** Stop the run after this long; null: never. */
  timeout_ms: z.number().int().positive().nullable(),
  routing_key: z.string(),
  /** Where results go: this routing key on the same exchange (the publishing instance's results queue). */
  reply_to: z.string().min(1),
});

export type RemoteRunMessage = z.infer<typeof remoteRunSchema>;

export const remoteResultSchema = z.object({
  run_id: z.uuid(),
  job_id: z.string(),
  status: z.enum(['starting', 'finished', 'failed']),
  worker: z.string(),
  host: z.string(),
  pid: z.number().int().nullable(),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  timed_out: z.boolean(),
  forcefully_terminated: z.boolean(),
  /** Why the run failed outside the job (could not start, interrupted), else null. */
  error: z.string().nullable(),
  started_at: z.number(),
  ended_at: z.number().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  output_truncated: z.boolean(),
  error_truncated: z.boolean(),
});

export type RemoteResultMessage = z.infer<typeof remoteResultSchema>;
