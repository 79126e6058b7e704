// Opens the control socket for `pycron trigger` when the config asks for one. A socket that cannot be opened is
// reported and the service runs on without it: triggers are a convenience, the schedule is the service's job.
import type { Settings } from '../config/settings.ts';
import { ControlServer, type ControlHandlers } from '../control/control-server.ts';
import type { ServiceLogger } from '../log/service-logger.ts';

export async function openControlSocket(
  settings: Settings,
  logger: ServiceLogger,
  handlers: ControlHandlers,
): Promise<ControlServer | undefined> {
  if (settings.controlSocket === null) return undefined;
  const server = new ControlServer({ path: settings.controlSocket, handlers, logger });
  try {
    await server.start();
    logger.debug(`control socket listening at ${settings.controlSocket}`);
    return server;
  } catch (error) {
    logger.error(`control socket ${settings.controlSocket} not opened, pycron trigger will not work: ${String(error)}`);
    return undefined;
  }
}
