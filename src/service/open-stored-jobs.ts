// Jobs stored in the cluster's database (CronQ's categories), beside the jobs folder: loaded at start, kept in step
// with the database, and replaced a category at a time through the HTTP API. Only in cluster mode.
import type { Clock } from '../clock.ts';
import type { SqlDatabase } from '../cluster/sql-database.ts';
import type { Settings } from '../config/settings.ts';
import type { HttpStoredJobs } from '../http/http-ports.ts';
import { formatDiagnostic } from '../diagnostic.ts';
import type { JobCatalog } from '../jobs/job-catalog.ts';
import type { ScanResult } from '../jobs/scan-jobs-folder.ts';
import { scanOptionsOf } from '../jobs/scan-options-of.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { categoryInvalid } from '../stored-jobs/category-invalid.ts';
import { readStoredJob, storedJobPlace } from '../stored-jobs/read-stored-job.ts';
import type { StoredJob } from '../stored-jobs/stored-job.ts';
import { StoredJobsStore } from '../stored-jobs/stored-jobs-store.ts';
import { StoredJobsSync } from '../stored-jobs/stored-jobs-sync.ts';
import type { CatalogApplier } from './catalog-applier.ts';

export interface StoredJobs {
  /** What the HTTP API does with stored jobs (replaceCategory checks every job as an instance will load it). */
  readonly api: HttpStoredJobs;
  /** Loads them into the catalog (not yet scheduled: the service's start-up does that), then follows the database. */
  start(): Promise<void>;
  /** From now on a new revision is applied to the scheduler too (after the service's start-up). */
  startApplying(applier: CatalogApplier): void;
  /** Reads them again with the current settings (SIGHUP changed [Defaults] or the zone). */
  reread(): Promise<void>;
  close(): void;
}

export interface StoredJobsParts {
  db: SqlDatabase;
  /** The pool for the API's reads. */
  readDb: SqlDatabase;
  catalog: JobCatalog;
  settings(): Settings;
  clock: Clock;
  logger: ServiceLogger;
}

export function openStoredJobs(parts: StoredJobsParts): StoredJobs {
  const { catalog, logger } = parts;
  const store = new StoredJobsStore(parts.db);
  const reads = new StoredJobsStore(parts.readDb);
  let applier: CatalogApplier | undefined;

  const read = (jobs: readonly StoredJob[]): ScanResult => {
    const settings = parts.settings();
    const result: ScanResult = { jobs: [], diagnostics: [] };
    for (const job of jobs) {
      try {
        const one = readStoredJob(job, settings.jobsFolder, scanOptionsOf(settings));
        result.jobs.push(...one.jobs);
        result.diagnostics.push(...one.diagnostics);
      } catch (error) {
        // A row written by hand (an option that is not text): that job is reported, the others load.
        const message = `cannot be read (${error instanceof Error ? error.message : String(error)})`;
        result.diagnostics.push({ severity: 'error', code: 'JOB_INVALID', path: storedJobPlace(job), message });
      }
    }
    return result;
  };

  const sync = new StoredJobsSync({
    source: store,
    clock: parts.clock,
    logger,
    read,
    onLoaded(result, revision) {
      const before = new Set(catalog.diagnostics.map(formatDiagnostic));
      const change = catalog.replaceStored(result);
      logger.info(`stored jobs: revision ${revision}, ${result.jobs.length} job(s)`, {
        added: change.added.length,
        changed: change.changed.length,
        removed: change.removed.length,
        invalid: result.diagnostics.filter((d) => d.severity === 'error').length,
      });
      if (applier) {
        applier.applyChange(change);
        applier.reportDiagnostics(result.diagnostics.filter((d) => !before.has(formatDiagnostic(d))));
      } else {
        for (const d of result.diagnostics) logger.error(formatDiagnostic(d));
      }
    },
  });

  return {
    api: {
      async replaceCategory(category, jobs) {
        // Warnings (an unquoted # in a proto) do not keep a job from loading, so they do not refuse the PUT.
        const problems = jobs.flatMap((job, index) =>
          read([job])
            .diagnostics.filter((d) => d.severity === 'error')
            .map((d) => `jobs[${index}] '${job.name}': ${d.message}`),
        );
        if (problems.length > 0) throw categoryInvalid(category, problems);
        const change = await store.replaceCategory(category, jobs);
        logger.info(
          `stored jobs: category ${category} replaced (revision ${change.revision}): ` +
            `${change.added.length} added, ${change.updated.length} updated, ${change.removed.length} removed, ` +
            `${change.unchanged.length} unchanged`,
        );
        // This instance has them at once; the others within a poll.
        await sync.refresh();
        return change;
      },
      category: (category) => reads.category(category),
      categories: () => reads.categories(),
    },
    // NOTE: the first load only; polling starts with startApplying, so no change slips in unseen during start-up.
    start: () => sync.refresh(),
    startApplying(next) {
      applier = next;
      sync.follow();
    },
    reread: () => sync.refresh(true),
    close: () => sync.close(),
  };
}
