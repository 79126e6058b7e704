// [AMQP]: one link to RabbitMQ for the service, carrying remote runs (jobs with routing_key) and [Ticks].
// Without [AMQP] URL (or without [Cluster], whose database tells workers which runs started) a job with
// routing_key cannot run: each of its runs fails with a sentence that says what to set.
import type { Clock } from '../clock.ts';
import { AmqpLink } from '../amqp/amqp-link.ts';
import type { Settings } from '../config/settings.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { RemoteLauncher } from '../remote/remote-launcher.ts';
import { RemoteRunsStore } from '../remote/remote-runs-store.ts';
import type { RunningJob } from '../runner/spawn-job.ts';
import { failedResult } from '../runs/run-manager.ts';
import type { Firing } from '../scheduler/firing.ts';
import { declareTickExchange } from '../ticks/declare-tick-exchange.ts';
import { readPasswordFile } from '../triggers/read-password-file.ts';
import { redactUrl } from '../triggers/trigger-setting-values.ts';
import type { Cluster } from './open-cluster.ts';

export interface Amqp {
  link: AmqpLink | undefined;
  /** The run manager's `launch`: a RunningJob for jobs with routing_key, undefined for the others. */
  launch(job: JobSpec, firing: Firing, runId: string): RunningJob | undefined;
  close(): Promise<void>;
}

export function openAmqp(settings: Settings, logger: ServiceLogger, clock: Clock, cluster: Cluster | undefined): Amqp {
  const url = settings.amqpUrl;
  const missing = url === undefined ? '[AMQP] URL' : cluster === undefined ? '[Cluster] DATABASE_URL' : undefined;
  const refuse = (job: JobSpec, runId: string): RunningJob =>
    unrunnable(job, runId, clock, `routing_key is set, but config.ini has no ${missing}: the run was not sent`);
  if (url === undefined) {
    return {
      link: undefined,
      launch: (job, _firing, runId) => (job.options.routingKey === undefined ? undefined : refuse(job, runId)),
      close: async () => {},
    };
  }
  const password =
    settings.amqpPasswordFile === undefined
      ? undefined
      : readPasswordFile(settings.amqpPasswordFile, {
          file: settings.configFile,
          section: 'AMQP',
          key: 'PASSWORD_FILE',
        });
  let launcher: RemoteLauncher | undefined;
  const link = new AmqpLink({
    url,
    ...(password !== undefined ? { password } : {}),
    onConnected: async (channel) => {
      await launcher?.onConnected(channel);
      if (settings.ticksEnabled) await declareTickExchange(channel, settings.ticksExchange);
    },
    onStateChange: (state, error) => {
      const where = redactUrl(url);
      if (state === 'connected') logger.info(`AMQP: connected to ${where}`);
      else if (state === 'disconnected') logger.warn(`AMQP: ${where} is not reachable (${error?.message}); retrying`);
    },
  });
  if (cluster) {
    const instanceId = cluster.coordinator.health().instanceId;
    launcher = new RemoteLauncher({
      link,
      store: new RemoteRunsStore(cluster.db),
      exchange: settings.amqpExchange,
      replyTo: `${settings.amqpResultsQueue}.${instanceId}`,
      instanceId,
      clock,
      logger,
    });
  }
  link.start();
  return {
    link,
    launch: (job, firing, runId) => {
      if (job.options.routingKey === undefined) return undefined;
      return launcher ? launcher.launch(job, firing, runId) : refuse(job, runId);
    },
    close: () => link.close(),
  };
}

function unrunnable(job: JobSpec, runId: string, clock: Clock, sentence: string): RunningJob {
  const now = clock.now();
  return {
    pid: null,
    result: Promise.resolve(failedResult(job.name, runId, now, now, sentence)),
    stop: async () => {},
    signal: () => false,
  };
}
