// metrics: GET /metrics with 10,000 jobs on the real service (scrape time, and how long GET /health waits while a
// scrape is rendered: the event-loop stall every timer of the service sees too), next to GET /health on the same
// server; then, in a child process, renders of a registry where all 10,000 jobs have run (every per-job series).
import { spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import { API_JOBS, writeIdleJobs } from './api.ts';
import type { BenchOptions, BenchResult, SummaryRow } from './bench-result.ts';
import { sleep } from './bench-result.ts';
import { startHttpService } from './start-http-service.ts';
import { describeSamples, percentile, round } from './stats.ts';
import { timedGet } from './timed-get.ts';

const RENDER_CHILD = fileURLToPath(new URL('./metrics-render-child.ts', import.meta.url));
/** Longer than the service's render cache (1 s), so every round's first scrape renders afresh. */
const ROUND_MS = 1_300;
const WARM_UP = 2;
const TARGET_P50_MS = 100;
const TARGET_P99_MS = 250;
/** The flood benchmark's bound for an unrelated job's lateness: a stall longer than this delays jobs visibly. */
const TARGET_STALL_MS = 50;

export async function metrics(options: BenchOptions): Promise<BenchResult> {
  const rounds = options.quick ? 8 : 20;
  const renders = options.quick ? 5 : 10;
  options.log(`metrics: ${API_JOBS} job folders, ${rounds} scrapes ${ROUND_MS} ms apart, then ${renders} renders`);
  const http = await startHttpService('metrics', API_JOBS, (jobs) => writeIdleJobs(jobs, API_JOBS));
  const scrapeMs: number[] = [];
  const repeatMs: number[] = [];
  const healthIdleMs: number[] = [];
  const healthDuringMs: number[] = [];
  let bytes = 0;
  try {
    const prober = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < WARM_UP + rounds; i++) {
      const roundStart = Date.now();
      const idle: number[] = [];
      for (let k = 0; k < 3; k++) idle.push((await timedGet(http.port, '/health', prober)).ms);
      // GET /health back to back on a second connection for as long as the scrape takes.
      const during: number[] = [];
      let scraping = true;
      const probing = (async () => {
        while (scraping) during.push((await timedGet(http.port, '/health', prober)).ms);
      })();
      const scrape = await timedGet(http.port, '/metrics');
      scraping = false;
      await probing;
      const repeat = await timedGet(http.port, '/metrics');
      if (scrape.status !== 200 || !/^pycron_jobs 10000$/m.test(scrape.body))
        throw new Error(`GET /metrics answered ${scrape.status} without pycron_jobs ${API_JOBS}`);
      bytes = scrape.bytes;
      if (i >= WARM_UP) {
        scrapeMs.push(scrape.ms);
        repeatMs.push(repeat.ms);
        healthIdleMs.push(...idle);
        healthDuringMs.push(...during);
      }
      await sleep(roundStart + ROUND_MS - Date.now());
    }
    prober.destroy();
  } finally {
    await http.stop();
  }
  options.log(`metrics: ${renders} renders of ${API_JOBS} jobs that have all run, in a child process`);
  const inProcess = await renderInChild(API_JOBS, renders);

  const row = (measurement: string, figure: number, baseline: number | null, label: string, limit: number) =>
    ({
      measurement: `metrics: ${measurement}`,
      figure: round(figure),
      unit: 'ms',
      baseline: baseline === null ? null : round(baseline),
      baselineLabel: label,
      target: `≤ ${limit} ms`,
      met: figure <= limit,
      pycron: '—',
    }) satisfies SummaryRow;
  const health = 'GET /health on the same service';
  return {
    name: 'metrics',
    rows: [
      row(
        `GET /metrics p50, ${API_JOBS} jobs`,
        percentile(scrapeMs, 50),
        percentile(healthIdleMs, 50),
        health,
        TARGET_P50_MS,
      ),
      row(
        `GET /metrics p99, ${API_JOBS} jobs`,
        percentile(scrapeMs, 99),
        percentile(healthIdleMs, 99),
        health,
        TARGET_P99_MS,
      ),
      row(
        'GET /health p99 while /metrics renders',
        percentile(healthDuringMs, 99),
        percentile(healthIdleMs, 99),
        'GET /health between scrapes',
        TARGET_STALL_MS,
      ),
      row(
        `render p50, ${API_JOBS} jobs that all ran (in-process)`,
        percentile(inProcess.renderMs, 50),
        null,
        '—',
        TARGET_P50_MS,
      ),
      row(
        'longest event-loop block during a render (in-process)',
        Math.max(...inProcess.blockMs),
        null,
        '—',
        TARGET_STALL_MS,
      ),
    ],
    details: {
      method: `${API_JOBS} job folders (never due, so no run has happened: per job the running, runs_total and skipped series, ${round(bytes / 1024)} KiB of text). ${rounds} rounds (after ${WARM_UP} warm-up), ${ROUND_MS} ms apart so each first scrape renders afresh: 3 × GET /health (idle), then GET /metrics while a second connection sends GET /health back to back until the scrape is answered, then GET /metrics again at once (served from the render cache when there is one). In-process: a child process builds a ServiceMetrics as the service does (no process metrics, render cache off), emits one run:started and run:finished per job (1 in 10 failed), then times ${renders} renders (wall clock, and CPU time of the process: every thread, so garbage collection too) and reads the longest event-loop block during each (monitorEventLoopDelay, 1 ms resolution).`,
      scrapeBytes: bytes,
      scrapeMs: describeSamples(scrapeMs),
      repeatWithinCacheWindowMs: describeSamples(repeatMs),
      healthIdleMs: describeSamples(healthIdleMs),
      healthDuringScrapeMs: describeSamples(healthDuringMs),
      inProcess: {
        jobs: API_JOBS,
        samples: inProcess.samples,
        bytes: inProcess.bytes,
        renderMs: describeSamples(inProcess.renderMs),
        renderCpuMs: describeSamples(inProcess.cpuMs),
        eventLoopBlockMs: describeSamples(inProcess.blockMs),
      },
    },
  };
}

interface RenderReport {
  renderMs: number[];
  cpuMs: number[];
  blockMs: number[];
  bytes: number;
  samples: number;
}

function renderInChild(jobs: number, renders: number): Promise<RenderReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', RENDER_CHILD, String(jobs), String(renders)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as RenderReport)
        : reject(new Error(`metrics-render-child exited with ${code}`)),
    );
  });
}
