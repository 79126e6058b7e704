// Opens the HTTP API (hoocron triggers, REST, events, metrics) when [HTTP] LISTEN asks for it. A port that cannot be
// bound is reported and the service runs on without it: the schedule matters more than the API.
import type { Settings } from '../config/settings.ts';
import { HttpServer, type HttpServerOptions } from '../http/http-server.ts';
import { readHttpToken } from '../http/read-http-token.ts';
import type { ServiceLogger } from '../log/service-logger.ts';

export async function openHttpServer(
  settings: Settings,
  logger: ServiceLogger,
  parts: Pick<HttpServerOptions, 'service' | 'history' | 'metrics' | 'triggers' | 'storedJobs' | 'cluster'>,
): Promise<HttpServer | undefined> {
  if (!settings.httpListen) return undefined;
  try {
    const token = readHttpToken(settings);
    const server = new HttpServer({ ...parts, logger, listen: settings.httpListen, ...(token ? { token } : {}) });
    await server.start();
    return server;
  } catch (error) {
    logger.error(`HTTP API not started: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
