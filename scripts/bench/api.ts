// api: GET /api/v1/jobs with 10,000 jobs on the real service, next to a bare node:http server (a process of its own)
// that answers JSON.stringify of the same document, and to GET /health on the same service.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions, BenchResult } from './bench-result.ts';
import { writeJobFolder } from './bench-folder.ts';
import { spawnJsonServer } from './spawn-json-server.ts';
import { startHttpService } from './start-http-service.ts';
import { describeSamples, percentile, round } from './stats.ts';
import { timedGet } from './timed-get.ts';

export const API_JOBS = 10_000;
/** Never due during a run (03:00 on January 1st), so the service does nothing but answer. */
export const NEVER_DUE = '0 3 1 1 *';
const WARM_UP = 3;
const TARGET_P50_MS = 100;
const TARGET_P99_MS = 250;

/** Writes `count` job folders that are never due during a benchmark. */
export function writeIdleJobs(jobsFolder: string, count: number): void {
  for (let i = 0; i < count; i++) writeJobFolder(jobsFolder, `job-${String(i).padStart(5, '0')}`, NEVER_DUE, 'true');
}

export async function api(options: BenchOptions): Promise<BenchResult> {
  const rounds = options.quick ? 15 : 40;
  options.log(`api: ${API_JOBS} job folders, then ${rounds} rounds of GET /api/v1/jobs, /health and the baseline`);
  const http = await startHttpService('api', API_JOBS, (jobs) => writeIdleJobs(jobs, API_JOBS));
  let bare: Awaited<ReturnType<typeof spawnJsonServer>> | undefined;
  try {
    const first = await timedGet(http.port, '/api/v1/jobs');
    const listed = (JSON.parse(first.body) as { jobs: unknown[] }).jobs.length;
    if (first.status !== 200 || listed !== API_JOBS)
      throw new Error(`GET /api/v1/jobs answered ${first.status} with ${listed} jobs`);
    const bodyFile = join(http.folder.out, 'jobs.json');
    writeFileSync(bodyFile, first.body);
    bare = await spawnJsonServer(bodyFile);
    const barePort = bare.port;

    const jobsMs: number[] = [];
    const healthMs: number[] = [];
    const bareMs: number[] = [];
    // Interleaved rounds, so that a change in the machine's load affects the figure and its baselines alike.
    for (let i = 0; i < WARM_UP + rounds; i++) {
      const jobs = await timedGet(http.port, '/api/v1/jobs');
      const health = await timedGet(http.port, '/health');
      const baseline = await timedGet(barePort, '/');
      if (jobs.bytes !== first.bytes || baseline.bytes !== first.bytes)
        throw new Error(`body sizes changed: ${first.bytes}, ${jobs.bytes}, ${baseline.bytes} bytes`);
      if (i < WARM_UP) continue;
      jobsMs.push(jobs.ms);
      healthMs.push(health.ms);
      bareMs.push(baseline.ms);
    }
    const p50 = round(percentile(jobsMs, 50));
    const p99 = round(percentile(jobsMs, 99));
    const row = (quantile: string, figure: number, baseline: number, limit: number) => ({
      measurement: `API: GET /api/v1/jobs ${quantile}, ${API_JOBS} jobs`,
      figure,
      unit: 'ms',
      baseline,
      baselineLabel: 'bare node:http answering JSON.stringify of the same body',
      target: `≤ ${limit} ms`,
      met: figure <= limit,
      pycron: '—',
    });
    return {
      name: 'api',
      rows: [
        row('p50', p50, round(percentile(bareMs, 50)), TARGET_P50_MS),
        row('p99', p99, round(percentile(bareMs, 99)), TARGET_P99_MS),
      ],
      details: {
        method: `${API_JOBS} job folders ('${NEVER_DUE}', never due); the service at LOG_LEVEL WARNING with [HTTP] LISTEN on a free 127.0.0.1 port, ready when GET /health reports every job. ${rounds} rounds after ${WARM_UP} warm-up rounds, each: GET /api/v1/jobs, GET /health, GET of the baseline server, one after the other over one keep-alive connection per server; time = request written to the last body byte. Baseline: a bare node:http server in its own process answering JSON.stringify of the document the service sent (same bytes, same headers).`,
        bodyBytes: first.bytes,
        readyMs: http.readyMs,
        firstRequestMs: round(first.ms),
        jobsMs: describeSamples(jobsMs),
        healthMs: describeSamples(healthMs),
        baselineMs: describeSamples(bareMs),
      },
    };
  } finally {
    bare?.stop();
    await http.stop();
  }
}
