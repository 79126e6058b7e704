// `pycron validate`: every problem of the config and of every job, each with its path and reason.
import { loadSettings } from '../config/load-settings.ts';
import { formatDiagnostic, type Diagnostic } from '../diagnostic.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import { settingsFlags, type CommonArgs } from './load-context.ts';
import { loadJobs } from './load-jobs.ts';

export async function validateCommand(args: CommonArgs & { json?: boolean }): Promise<number> {
  const { settings, diagnostics } = loadSettings({
    ...(args.config !== undefined ? { configPath: args.config } : {}),
    flags: settingsFlags(args),
    cwd: process.cwd(),
  });
  const configBroken = diagnostics.some((d) => d.severity === 'error');
  let scan: { jobs: JobSpec[]; diagnostics: Diagnostic[] } = { jobs: [], diagnostics: [] };
  if (!configBroken) {
    scan = await loadJobs(settings);
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
