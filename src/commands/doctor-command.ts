// `pycron doctor [--json]`: what silently breaks a scheduler on this host, each finding with a fix. Exit 0 when
// nothing is an error, 1 otherwise; a config that does not load is one of the findings, not a usage error.
import { loadSettings } from '../config/load-settings.ts';
import { realSystemFacts } from '../doctor/real-system-facts.ts';
import { runDoctor } from '../doctor/run-doctor.ts';
import type { SystemFacts } from '../doctor/system-facts.ts';
import { PACKAGE_MANIFEST } from '../package-manifest.ts';
import { alignColumns } from './align-columns.ts';
import { settingsFlags, type CommonArgs } from './load-context.ts';
import { loadJobs } from './load-jobs.ts';
import type { Tone } from './paint.ts';
import { stdoutWantsColour } from './stdout-wants-colour.ts';

const TONES: Record<string, Tone> = { ok: 'green', warn: 'yellow', error: 'red' };

export async function doctorCommand(
  args: CommonArgs & { json?: boolean },
  facts: SystemFacts = realSystemFacts,
): Promise<number> {
  const { settings, diagnostics } = loadSettings({
    ...(args.config !== undefined ? { configPath: args.config } : {}),
    flags: settingsFlags(args),
    cwd: process.cwd(),
  });
  const { jobs, diagnostics: jobDiagnostics } = await loadJobs(settings);
  const findings = runDoctor(
    { settings, configDiagnostics: diagnostics, jobs, jobDiagnostics, nodeRange: PACKAGE_MANIFEST.nodeRange },
    facts,
  );
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warn').length;
  const user = facts.user().name;

  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ ok: errors === 0, config: settings.configFile ?? null, user, findings }, null, 2)}\n`,
    );
    return errors === 0 ? 0 : 1;
  }
  const colour = stdoutWantsColour();
  const rows = findings.flatMap((f) => [
    [{ text: f.severity, tone: TONES[f.severity] }, f.check, f.message],
    ...(f.fix ? [['', '', `fix: ${f.fix}`]] : []),
  ]);
  const verdict =
    errors > 0
      ? 'fix the errors: the service will not run correctly until then'
      : warnings > 0
        ? 'no errors; the warnings may still bite'
        : 'all good';
  process.stdout.write(
    [
      `pycron doctor: ${settings.configFile ?? 'built-in defaults'}, as ${user}`,
      '',
      ...alignColumns(rows, colour),
      '',
      `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}: ${verdict}`,
      '',
    ].join('\n'),
  );
  return errors === 0 ? 0 : 1;
}
