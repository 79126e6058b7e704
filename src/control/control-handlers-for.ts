// The control socket's handlers over the running service. Jobs are described by the HTTP API's own view, so
// `pycron status` shows the same thing whichever way it reaches the service.
import { describeJob, viewDiagnostic } from '../http/describe-job.ts';
import type { HttpService } from '../http/http-ports.ts';
import { PycronError } from '../errors.ts';
import type { ControlHandlers } from './control-server.ts';

export function controlHandlersFor(service: HttpService): ControlHandlers {
  const jobNamed = (name: string) => {
    const job = service.catalog.get(name);
    if (!job) throw new PycronError('JOB_NOT_FOUND', { reason: `no job named '${name}' in this service` });
    return job;
  };
  return {
    hasJob: (name) => service.catalog.get(name) !== undefined,
    trigger: (name, args, source) => service.trigger(name, args, source),
    status: () => ({
      jobs: service.catalog.jobs.map((job) => describeJob(service, job)),
      diagnostics: service.catalog.diagnostics.map(viewDiagnostic),
    }),
    pause: (name) => {
      service.pause(name);
      return describeJob(service, jobNamed(name));
    },
    resume: (name) => {
      service.resume(name);
      return describeJob(service, jobNamed(name));
    },
  };
}
