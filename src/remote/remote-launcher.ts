// The service's side of remote runs: a job with routing_key is published for a worker instead of spawned, and its
// run ends when the worker's result comes back on this instance's results queue.
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { UnroutableError, type AmqpLink } from '../amqp/amqp-link.ts';
import type { Clock } from '../clock.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import type { RunResult } from '../runner/run-result.ts';
import type { RunningJob } from '../runner/spawn-job.ts';
import { failedResult } from '../runs/run-manager.ts';
import type { Firing } from '../scheduler/firing.ts';
import { remoteResultSchema, type RemoteResultMessage, type RemoteRunMessage } from './remote-messages.ts';
import type { RemoteRunsStore } from './remote-runs-store.ts';

export interface RemoteLauncherOptions {
  link: AmqpLink;
  store: RemoteRunsStore;
  exchange: string;
  /** This instance's results queue (and the routing key workers reply with). */
  replyTo: string;
  instanceId: string;
  clock: Clock;
  logger: ServiceLogger;
}

export class RemoteLauncher {
  private readonly options: RemoteLauncherOptions;
  /** Runs waiting for their result, by run id. */
  private readonly waiting = new Map<string, (result: RunResult) => void>();

  constructor(options: RemoteLauncherOptions) {
    this.options = options;
  }

  /** Declares the exchange and this instance's durable results queue, and consumes it (on each connection). */
  async onConnected(channel: ConfirmChannel): Promise<void> {
    const { exchange, replyTo } = this.options;
    await channel.assertExchange(exchange, 'direct', { durable: true });
    await channel.assertQueue(replyTo, { durable: true });
    await channel.bindQueue(replyTo, exchange, replyTo);
    await channel.consume(replyTo, (message) => message && this.onResult(channel, message), { noAck: false });
  }

  /** Publishes the run (after writing its row) and gives a RunningJob whose result is the worker's. */
  launch(job: JobSpec, firing: Firing, runId: string): RunningJob {
    const { clock } = this.options;
    const startedAt = clock.now();
    const message: RemoteRunMessage = {
      run_id: runId,
      job_id: job.name,
      name: job.options.title,
      cmd: job.command.kind === 'shell' ? job.command.script : job.command.path,
      args: [...firing.args],
      scheduled_at: new Date(firing.scheduledAt).toISOString(),
      attempt: firing.attempt,
      timeout_ms: job.timeoutMs ?? null,
      routing_key: job.options.routingKey as string,
      reply_to: this.options.replyTo,
    };
    let settle!: (result: RunResult) => void;
    const result = new Promise<RunResult>((resolve) => (settle = resolve));
    this.waiting.set(runId, settle);
    const fail = (sentence: string): void => {
      this.waiting.delete(runId);
      settle(failedResult(job.name, runId, startedAt, clock.now(), sentence));
    };
    void this.send(message).then(
      (sent) => {
        if (sent !== true) fail(sent);
      },
      (error: unknown) => fail(`pycron could not send the run to a worker: ${String(error)}`),
    );
    return {
      pid: null,
      result,
      // NOTE: a worker's run cannot be stopped from here; the service stops waiting for it (the worker records it).
      stop: async (reason) => {
        if (this.waiting.has(runId) && reason === 'shutdown') {
          fail(
            `pycron stopped before worker's result came back; the worker records its outcome in the database ` +
              `(remote_runs)`,
          );
        }
      },
      signal: () => false,
    };
  }

  /** True once the broker has the message; else the sentence that says why the run did not go out. */
  private async send(message: RemoteRunMessage): Promise<true | string> {
    const { store, link, exchange, instanceId, logger } = this.options;
    await store.add(message, instanceId);
    try {
      await link.publish(exchange, message.routing_key, message, {
        messageId: message.run_id,
        replyTo: message.reply_to,
      });
    } catch (error) {
      const unroutable = error instanceof UnroutableError;
      const sentence = unroutable
        ? `no worker queue is bound for routing key '${message.routing_key}' on exchange '${exchange}': the run was not ` +
          `sent (start \`pycron worker --queue ${message.routing_key}\`)`
        : `the run could not be published to RabbitMQ: ${error instanceof Error ? error.message : String(error)}`;
      await store.markSent(message.run_id, unroutable ? 'unroutable' : 'failed', sentence).catch(() => {});
      return sentence;
    }
    await store.markSent(message.run_id, 'queued');
    logger.debug(`run ${message.run_id} of ${message.job_id} published for routing key ${message.routing_key}`);
    return true;
  }

  private onResult(channel: ConfirmChannel, message: ConsumeMessage): void {
    const { logger } = this.options;
    let result: RemoteResultMessage;
    try {
      result = remoteResultSchema.parse(JSON.parse(message.content.toString('utf8')));
    } catch (error) {
      logger.error(`a message on ${this.options.replyTo} is not a pycron worker result: dropped (${String(error)})`);
      channel.nack(message, false, false);
      return;
    }
    if (result.status === 'starting') {
      logger.debug(`run ${result.run_id} of ${result.job_id} started on worker ${result.worker} (${result.host})`);
    } else {
      const settle = this.waiting.get(result.run_id);
      this.waiting.delete(result.run_id);
      if (settle) settle(toRunResult(result));
      else {
        logger.info(
          `result of run ${result.run_id} of ${result.job_id} (${result.status}) came after this service stopped ` +
            `waiting for it: the worker recorded it in the database`,
        );
      }
    }
    channel.ack(message);
  }
}

function toRunResult(result: RemoteResultMessage): RunResult {
  const endedAt = result.ended_at ?? result.started_at;
  return {
    runId: result.run_id,
    job: result.job_id,
    exitCode: result.exit_code,
    signal: result.signal,
    timedOut: result.timed_out,
    forcefullyTerminated: result.forcefully_terminated,
    error: result.error,
    pid: result.pid,
    startedAt: result.started_at,
    endedAt,
    durationMs: Math.max(0, endedAt - result.started_at),
    stdout: result.stdout,
    stderr: result.stderr,
    outputTruncated: result.output_truncated,
    errorTruncated: result.error_truncated,
  };
}
