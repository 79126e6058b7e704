// The real service with its HTTP API on a free loopback port, for the api, metrics and sse benchmarks: a bench
// folder, the job folders the caller writes, `[HTTP] LISTEN = 127.0.0.1:PORT`, and a wait until GET /health
// reports every job loaded.
import type { BenchFolder } from './bench-folder.ts';
import { makeBenchFolder } from './bench-folder.ts';
import { freeLoopbackPort } from './free-port.ts';
import { ServiceProcess } from './service-process.ts';
import { waitForHealth } from './wait-for-health.ts';

export interface HttpService {
  folder: BenchFolder;
  service: ServiceProcess;
  port: number;
  /** Spawn of the service to its first 200 from GET /health with every job, in ms. */
  readyMs: number;
  /** Stops the service and removes the folder. */
  stop(): Promise<void>;
}

export async function startHttpService(
  name: string,
  jobCount: number,
  writeJobs: (jobsFolder: string) => void,
): Promise<HttpService> {
  const port = await freeLoopbackPort();
  const folder = await makeBenchFolder(name, { extraConfig: ['[HTTP]', `LISTEN = 127.0.0.1:${port}`] });
  let service: ServiceProcess | undefined;
  try {
    writeJobs(folder.jobs);
    service = new ServiceProcess(folder.config);
    const started = service;
    await waitForHealth(port, jobCount, 90_000, () => started.running);
    return {
      folder,
      service,
      port,
      readyMs: Date.now() - service.spawnedAt,
      stop: async () => {
        await started.stop();
        await folder.remove();
      },
    };
  } catch (error) {
    await service?.stop();
    await folder.remove();
    throw error;
  }
}
