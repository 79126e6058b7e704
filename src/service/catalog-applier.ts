// What the service does when the catalog changes (a scan of the jobs folder, a new revision of the stored jobs):
// removed jobs leave the scheduler, dispatcher and proc supervisor; added and changed ones go to the right part.
import { formatDiagnostic, type Diagnostic } from '../diagnostic.ts';
import type { Dispatcher } from '../dispatch/dispatcher.ts';
import type { ServiceEventBus } from '../events.ts';
import type { CatalogChange, JobCatalog } from '../jobs/job-catalog.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import type { ProcSupervisor } from '../procs/proc-supervisor.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';

export interface CatalogApplierParts {
  catalog: JobCatalog;
  scheduler: Scheduler;
  dispatcher: Dispatcher;
  procs: ProcSupervisor;
  logger: ServiceLogger;
  events: ServiceEventBus;
}

export interface CatalogApplier {
  applyChange(change: CatalogChange): void;
  /** Logs `diagnostics` (the new ones) and tells listeners the catalog's current list. */
  reportDiagnostics(diagnostics: readonly Diagnostic[]): void;
}

export function catalogApplier(parts: CatalogApplierParts): CatalogApplier {
  const { catalog, scheduler, dispatcher, procs, logger, events } = parts;

  /** Procs go to the supervisor, jobs to the scheduler; a job that changed kind leaves the other. */
  function upsertJob(job: JobSpec): void {
    procs.upsert(job);
    if (job.options.type === 'proc') {
      scheduler.remove(job.name);
      dispatcher.forget(job.name);
    } else {
      scheduler.upsert(job);
    }
  }

  function describeNext(job: JobSpec): Record<string, unknown> {
    const nextAt = scheduler.nextAt(job.name);
    return {
      schedule: job.schedules.map((s) => s.describe()).join('; '),
      next_run: nextAt ? new Date(nextAt).toISOString() : null,
    };
  }

  return {
    applyChange(change) {
      for (const job of change.removed) {
        scheduler.remove(job.name);
        dispatcher.forget(job.name);
        void procs.remove(job.name);
        logger.info(`job removed: ${job.name}`);
        events.emit('job:removed', { job });
      }
      for (const job of change.added) {
        upsertJob(job);
        logger.info(`job added: ${job.name}`, describeNext(job));
        events.emit('job:added', { job });
      }
      for (const job of change.changed) {
        upsertJob(job);
        logger.info(`job changed: ${job.name}`, describeNext(job));
        events.emit('job:changed', { job });
      }
    },
    reportDiagnostics(diagnostics) {
      for (const d of diagnostics) {
        if (d.severity === 'error') logger.error(formatDiagnostic(d));
        else logger.warn(formatDiagnostic(d));
      }
      events.emit('jobs:diagnostics', { diagnostics: catalog.diagnostics });
    },
  };
}
