// The real CLI service (`pycron -c config.ini`) with Redis or MQTT triggers and the HTTP API on port 0, for the
// end-to-end trigger tests: its status records and its /health answer.
import { call } from '../http/http-harness.ts';
import { readStatusRecords, ServiceProcess, waitFor } from '../support/cli-process.ts';
import type { ServiceFolder } from '../support/service-folder.ts';

export interface RunningService {
  process: ServiceProcess;
  port: number;
}

/** Starts the service on `folder` and waits until its HTTP API (and so its triggers) is up. */
export async function startService(folder: ServiceFolder): Promise<RunningService> {
  const process = new ServiceProcess(['-c', folder.config], { cwd: folder.root });
  try {
    const line = await process.waitForLog(/HTTP API listening on http:\/\/127\.0\.0\.1:\d+/);
    return { process, port: Number(/http:\/\/127\.0\.0\.1:(\d+)/.exec(line)?.[1]) };
  } catch (error) {
    await process.kill();
    throw error;
  }
}

/** GET /health's `triggers`. */
export async function triggerStates(port: number): Promise<{ redis: string; mqtt: string }> {
  return (await call(port, 'GET', '/health')).json().triggers;
}

/** Waits until /health reports `state` for `source`. */
export async function waitForState(port: number, source: 'redis' | 'mqtt', state: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = (await triggerStates(port))[source];
    if (last === state) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`/health never said ${source}: ${state} within ${timeoutMs} ms (last: ${last})`);
}

/** Waits for `count` status records of `job` and gives them back. */
export function waitForRecords(folder: ServiceFolder, job: string, count: number, timeoutMs = 10_000) {
  return waitFor(
    () => {
      const records = readStatusRecords(folder.logs).filter((r) => r.job === job);
      return records.length >= count ? records : undefined;
    },
    timeoutMs,
    `${count} run(s) of ${job}`,
  );
}

/** Waits for the first status record of `job` whose args are `args`. */
export function waitForRun(folder: ServiceFolder, job: string, args: readonly string[], timeoutMs = 10_000) {
  const wanted = JSON.stringify(args);
  return waitFor(
    () => readStatusRecords(folder.logs).find((r) => r.job === job && JSON.stringify(r.args) === wanted),
    timeoutMs,
    `a run of ${job} with args ${wanted}`,
  );
}
