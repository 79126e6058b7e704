// The jobs as the service would load them: a full scan through a catalog, so that jobs in a trigger cycle are held
// back and reported here too. Every command that names or lists jobs uses this.
import type { Settings } from '../config/settings.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { JobCatalog } from '../jobs/job-catalog.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import { scanJobsFolder } from '../jobs/scan-jobs-folder.ts';
import { scanOptionsOf } from '../jobs/scan-options-of.ts';

export async function loadJobs(settings: Settings): Promise<{ jobs: JobSpec[]; diagnostics: Diagnostic[] }> {
  const catalog = new JobCatalog(settings.jobsFolder);
  catalog.replaceAll(await scanJobsFolder(settings.jobsFolder, scanOptionsOf(settings)));
  return { jobs: catalog.jobs, diagnostics: catalog.diagnostics };
}
