// Readiness of a service started at LOG_LEVEL WARNING (no ready line): GET /health answers once every job is loaded,
// since the HTTP server is opened last in startService.
import { Agent } from 'node:http';
import { sleep } from './bench-result.ts';
import { timedGet } from './timed-get.ts';

/** Polls GET /health until it answers 200 with `jobs` jobs; rejects after `timeoutMs` or when the service exits. */
export async function waitForHealth(
  port: number,
  jobs: number,
  timeoutMs: number,
  isRunning: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const fresh = new Agent({ keepAlive: false });
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isRunning()) throw new Error(`the service exited before answering GET /health (last: ${last})`);
    try {
      const answer = await timedGet(port, '/health', fresh);
      last = `${answer.status} ${answer.body.trim()}`;
      if (answer.status === 200 && (JSON.parse(answer.body) as { jobs: number }).jobs === jobs) return;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new Error(`GET /health did not report ${jobs} jobs within ${timeoutMs} ms (last: ${last})`);
}
