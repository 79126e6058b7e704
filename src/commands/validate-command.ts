// `pycron validate`: every problem of the config and of every job, each with its path and reason.
import { loadSettings } from '../config/load-settings.ts';
import { formatDiagnostic, type Diagnostic } from '../diagnostic.ts';
import { JobCatalog } from '../jobs/job-catalog.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import { scanJobsFolder } from '../jobs/scan-jobs-folder.ts';
import { scanOptionsOf } from '../jobs/scan-options-of.ts';
import { settingsFlags, type CommonArgs } from './load-context.ts';

export async function validateCommand(args: CommonArgs & { json?: boolean }): Promise<number> {
  const { settings, diagnostics } = loadSettings({
    ...(args.config !== undefined ? { configPath: args.config } : {}),
    flags: settingsFlags(args),
    cwd: process.cwd(),
  });
  const configBroken = diagnostics.some((d) => d.severity === 'error');
  let scan: { jobs: JobSpec[]; diagnostics: Diagnostic[] } = { jobs: [], diagnostics: [] };
  if (!configBroken) {
    // Through a catalog, as the service loads them: trigger cycles and triggers of unknown jobs are reported too.
    const catalog = new JobCatalog(settings.jobsFolder);
    catalog.replaceAll(await scanJobsFolder(settings.jobsFolder, scanOptionsOf(settings)));
    scan = { jobs: catalog.jobs, diagnostics: catalog.diagnostics };
  }
  const all = [...diagnostics, ...scan.diagnostics];
  const errors = all.filter((d) => d.severity === 'error').length;
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ ok: errors === 0, config: settings.configFile ?? null, jobs: scan.jobs.map((j) => j.name), diagnostics: all }, null, 2)}\n`,
    );
  } else {
    for (const d of all) process.stdout.write(`${formatDiagnostic(d)}\n`);
    const where = settings.configFile ?? 'built-in defaults';
    process.stdout.write(
      configBroken
        ? `${where}: configuration has ${errors} error(s); jobs not checked\n`
        : `${where}: ${scan.jobs.length} valid job(s) in ${settings.jobsFolder}, ${errors} error(s), ${all.length - errors} warning(s)\n`,
    );
  }
  return errors === 0 ? 0 : 2;
}
