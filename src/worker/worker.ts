// `pycron worker --queue NAME`: runs the jobs published with that routing key (CronQ's runner). A run starts only
// by moving its row in the cluster's database from queued to running, so a message redelivered after a worker died
// is never run again: it is reported interrupted, once. Results go back to the publishing instance: starting, then
// finished or failed, and the worker acks the message only after its result is out.
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { hostname, tmpdir } from 'node:os';
import type { AmqpLink } from '../amqp/amqp-link.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { isSuccess, type RunResult } from '../runner/run-result.ts';
import { spawnJob, type RunningJob } from '../runner/spawn-job.ts';
import { remoteRunSchema, type RemoteResultMessage, type RemoteRunMessage } from '../remote/remote-messages.ts';
import type { RemoteRunsStore } from '../remote/remote-runs-store.ts';

export interface WorkerOptions {
  link: AmqpLink;
  store: RemoteRunsStore;
  exchange: string;
  queue: string;
  workerId: string;
  /** Runs at once (the channel's prefetch). */
  concurrency: number;
  captureBytes: number;
  killGraceMs: number;
  logger: ServiceLogger;
}

export class Worker {
  private readonly options: WorkerOptions;
  private readonly running = new Map<string, RunningJob>();
  private stopping = false;

  constructor(options: WorkerOptions) {
    this.options = options;
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Declares the exchange and the durable queue bound with its own name as the routing key, and consumes it. */
  async onConnected(channel: ConfirmChannel): Promise<void> {
    const { exchange, queue, concurrency } = this.options;
    await channel.assertExchange(exchange, 'direct', { durable: true });
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, exchange, queue);
    await channel.prefetch(concurrency);
    await channel.consume(queue, (message) => message && void this.handle(channel, message), { noAck: false });
  }

  /** Stops taking runs, and waits for the running ones (whose results are sent). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.running.values()].map((run) => run.result));
  }

  private async handle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const { logger, store, workerId } = this.options;
    let run: RemoteRunMessage;
    try {
      run = remoteRunSchema.parse(JSON.parse(message.content.toString('utf8')));
    } catch (error) {
      logger.error(`a message on ${this.options.queue} is not a pycron run: dropped (${String(error)})`);
      channel.nack(message, false, false);
      return;
    }
    if (this.stopping) {
      channel.nack(message, false, true);
      return;
    }
    try {
      if (await store.start(run.run_id, workerId)) await this.execute(run);
      else await this.alreadyTaken(run);
      channel.ack(message);
    } catch (error) {
      // The database or the broker failed mid-way: the message goes back to the queue, and the rows decide again.
      logger.error(`run ${run.run_id} of ${run.job_id}: ${String(error)}; the message goes back to the queue`);
      channel.nack(message, false, true);
    }
  }

  private async execute(run: RemoteRunMessage): Promise<void> {
    const { logger, store, workerId } = this.options;
    const startedAt = Date.now();
    await this.reply(run, resultOf(run, workerId, 'starting', { startedAt }));
    logger.info(`run started: ${run.job_id}`, { run_id: run.run_id, routing_key: run.routing_key });
    const child = spawnJob({
      runId: run.run_id,
      job: run.job_id,
      command: { kind: 'shell', script: run.cmd },
      args: run.args,
      cwd: tmpdir(),
      env: {
        PYCRON_JOB: run.job_id,
        PYCRON_RUN_ID: run.run_id,
        PYCRON_SCHEDULED_AT: run.scheduled_at,
        PYCRON_ATTEMPT: String(run.attempt),
        PYCRON_WORKER: workerId,
      },
      timeoutMs: run.timeout_ms ?? undefined,
      killGraceMs: this.options.killGraceMs,
      captureBytes: this.options.captureBytes,
    });
    this.running.set(run.run_id, child);
    try {
      const result = await child.result;
      const ended = resultOf(run, workerId, isSuccess(result) ? 'finished' : 'failed', { startedAt, result });
      if (await store.finish(run.run_id, workerId, ended)) {
        await this.reply(run, ended);
        logger.info(`run ended: ${run.job_id} ${ended.status} (exit code ${result.exitCode})`, { run_id: run.run_id });
      } else {
        logger.warn(
          `run ${run.run_id} of ${run.job_id} ended, but was recorded as interrupted meanwhile (this worker lost ` +
            `its connection and the run was redelivered): its result stays the interrupted one`,
        );
      }
    } finally {
      this.running.delete(run.run_id);
    }
  }

  /** A message whose run is already taken: a redelivery after its worker went away, or a duplicate. */
  private async alreadyTaken(run: RemoteRunMessage): Promise<void> {
    const { store, logger, workerId } = this.options;
    const row = await store.get(run.run_id);
    if (!row) {
      logger.error(`run ${run.run_id} of ${run.job_id} is not in the cluster's database: not run`);
      return;
    }
    if (row.status !== 'running') {
      logger.info(`run ${run.run_id} of ${run.job_id} was delivered again but is already ${row.status}: not run again`);
      return;
    }
    const error =
      `interrupted: worker ${row.worker ?? '?'} took this run and went away during it (the message was delivered ` +
      `again); it is not run a second time`;
    const interrupted = resultOf(run, workerId, 'failed', { startedAt: Date.now(), error });
    if (await store.interrupt(run.run_id, interrupted)) {
      await this.reply(run, interrupted);
      logger.warn(`run ${run.run_id} of ${run.job_id}: ${error}`);
    }
  }

  private async reply(run: RemoteRunMessage, result: RemoteResultMessage): Promise<void> {
    await this.options.link.publish(this.options.exchange, run.reply_to, result, {
      messageId: `${run.run_id}:${result.status}`,
    });
  }
}

function resultOf(
  run: RemoteRunMessage,
  worker: string,
  status: RemoteResultMessage['status'],
  how: { startedAt: number; result?: RunResult; error?: string },
): RemoteResultMessage {
  const result = how.result;
  return {
    run_id: run.run_id,
    job_id: run.job_id,
    status,
    worker,
    host: hostname(),
    pid: result?.pid ?? null,
    exit_code: result?.exitCode ?? null,
    signal: result?.signal ?? null,
    timed_out: result?.timedOut ?? false,
    forcefully_terminated: result?.forcefullyTerminated ?? false,
    error: how.error ?? result?.error ?? null,
    started_at: result?.startedAt ?? how.startedAt,
    ended_at: status === 'starting' ? null : (result?.endedAt ?? Date.now()),
    stdout: result?.stdout ?? '',
    stderr: result?.stderr ?? '',
    output_truncated: result?.outputTruncated ?? false,
    error_truncated: result?.errorTruncated ?? false,
  };
}
