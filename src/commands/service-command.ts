// `pycron -c config.ini`: the service in the foreground, until SIGTERM or SIGINT. SIGHUP rescans the jobs folder.
import { rm } from 'node:fs/promises';
import { formatDiagnostic } from '../diagnostic.ts';
import { createServiceLogger } from '../log/service-logger.ts';
import { startService, type Service } from '../service/start-service.ts';
import { loadSettings } from '../config/load-settings.ts';
import { loadSettingsOrExit, settingsFlags, type CommonArgs } from './load-context.ts';

/** After the shutdown grace, this long for records and state to be written (in a cluster: to the database) before
 * the process is forced out. */
const EXIT_WATCHDOG_EXTRA_MS = 30_000;

export async function serviceCommand(args: CommonArgs & { nuke?: boolean }): Promise<number> {
  // Relative paths of flags keep meaning what they meant at start-up, even after a reload.
  const cwd = process.cwd();
  const { settings, warnings } = loadSettingsOrExit(args);
  const logger = createServiceLogger({ level: settings.logLevel, format: settings.logFormat });
  for (const warning of warnings) logger.warn(formatDiagnostic(warning));
  logger.info(`pycron starting`, { config: settings.configFile ?? '(built-in defaults)', pid: process.pid });
  if (args.nuke) {
    await rm(settings.stateFile, { force: true });
    logger.warn(`--nuke: deleted the state file ${settings.stateFile}`);
  }

  let service: Service | undefined;
  let stopRequested: NodeJS.Signals | undefined;
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopRequested) {
      logger.warn(`${signal} again: still stopping (running jobs get up to ${settings.shutdownGraceMs} ms)`);
      return;
    }
    stopRequested = signal;
    logger.info(`${signal} received: starting nothing new, letting running jobs finish`);
    const current = service?.settings ?? settings;
    // An unref'd watchdog: if something keeps the process alive after the stop, say so and leave anyway.
    setTimeout(
      () => {
        logger.error('shutdown is taking too long; exiting with running jobs left behind');
        process.exit(1);
      },
      current.shutdownGraceMs + current.killGraceMs + EXIT_WATCHDOG_EXTRA_MS,
    ).unref();
    if (service) void stopAndExit(service);
  };
  const stopAndExit = async (running: Service): Promise<void> => {
    await running.stop();
    await logger.close();
    resolveExit(0);
  };
  // NOTE: handlers go in before the start, so a signal during start-up is a clean stop, not a kill.
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('SIGHUP', () => {
    if (!service) return;
    logger.info('SIGHUP received: reloading the config and rescanning the jobs folder');
    void reloadService(service);
  });
  async function reloadService(running: Service): Promise<void> {
    const { settings: next, diagnostics } = loadSettings({
      ...(args.config !== undefined ? { configPath: args.config } : {}),
      flags: settingsFlags(args),
      cwd,
    });
    for (const d of diagnostics) logger[d.severity === 'error' ? 'error' : 'warn'](formatDiagnostic(d));
    if (diagnostics.some((d) => d.severity === 'error')) {
      logger.error('reload refused: the config has errors; the service keeps its current settings');
      await running.rescan();
      return;
    }
    const needRestart = await running.reload(next);
    if (needRestart.length > 0)
      logger.warn(`reloaded; these settings change only at a restart: ${needRestart.join(', ')}`);
    else logger.info('reloaded');
  }

  service = await startService(settings, { logger });
  if (stopRequested) void stopAndExit(service);
  return await exited;
}
