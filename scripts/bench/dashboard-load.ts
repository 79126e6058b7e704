// dashboard: the first load of the dashboard in Debian's chromium with 10,000 jobs, from navigation to the list
// laid out and painted (the page's `pycron:interactive` mark), next to the same page with 10 jobs in the same run.
// Each load is a fresh page in a fresh browser context, so nothing is cached.
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../test/support/launch-chromium.ts';
import { writeIdleJobs } from './api.ts';
import { sleep, type BenchOptions, type BenchResult } from './bench-result.ts';
import { startHttpService } from './start-http-service.ts';
import { describeSamples, percentile, round } from './stats.ts';
import { timedGet } from './timed-get.ts';

const MANY_JOBS = 10_000;
const FEW_JOBS = 10;
const TARGET_MS = 1000;
const SETTLED_MS = 10;
const SETTLE_TIMEOUT_MS = 120_000;

export async function dashboardLoad(options: BenchOptions): Promise<BenchResult> {
  const loads = options.quick ? 3 : 7;
  options.log(`dashboard: ${loads} first loads with ${MANY_JOBS} jobs and with ${FEW_JOBS} jobs`);
  const browser = await launchChromium();
  try {
    const few = await measure(browser, FEW_JOBS, loads);
    const many = await measure(browser, MANY_JOBS, loads);
    const median = round(percentile(many.interactiveMs, 50));
    const baseline = round(percentile(few.interactiveMs, 50));
    return {
      name: 'dashboard',
      rows: [
        {
          measurement: `dashboard first load to interactive (median), ${MANY_JOBS} jobs`,
          figure: median,
          unit: 'ms',
          baseline,
          baselineLabel: `same page, ${FEW_JOBS} jobs`,
          target: `≤ ${TARGET_MS} ms`,
          met: median <= TARGET_MS,
          pycron: 'no dashboard',
        },
      ],
      details: {
        loads,
        many: {
          jobs: MANY_JOBS,
          interactive: describeSamples(many.interactiveMs),
          ready: describeSamples(many.readyMs),
        },
        few: {
          jobs: FEW_JOBS,
          settleMs: few.settleMs,
          interactive: describeSamples(few.interactiveMs),
          ready: describeSamples(few.readyMs),
        },
        listBytes: many.listBytes,
      },
    };
  } finally {
    await browser.close();
  }
}

async function measure(
  browser: Browser,
  jobs: number,
  loads: number,
): Promise<{ interactiveMs: number[]; readyMs: number[]; listBytes: number; settleMs: number }> {
  const http = await startHttpService(`dashboard-${jobs}`, jobs, (folder) => writeIdleJobs(folder, jobs));
  try {
    const settleMs = await waitUntilSettled(http.port);
    const interactiveMs: number[] = [];
    const readyMs: number[] = [];
    let listBytes = 0;
    for (let i = 0; i < loads + 1; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.on('response', (response) => {
        if (response.url().endsWith('/api/v1/jobs'))
          void response.body().then(
            (body) => (listBytes = body.length),
            () => {},
          );
      });
      await page.goto(`http://127.0.0.1:${http.port}/`);
      // NOTE: no named functions inside: tsx would wrap them in a helper the page does not have.
      const marks = await page.waitForFunction(
        () => {
          const interactive = performance.getEntriesByName('pycron:interactive')[0]?.startTime;
          const ready = performance.getEntriesByName('pycron:ready')[0]?.startTime;
          return interactive === undefined ? undefined : { ready: ready!, interactive };
        },
        undefined,
        { timeout: 60_000 },
      );
      const { ready, interactive } = (await marks.jsonValue())!;
      const counted = Number(await page.textContent('.chip[data-filter="all"] .chip-count'));
      if (counted !== jobs) throw new Error(`the dashboard counts ${counted} jobs, expected ${jobs}`);
      if (i === 0) {
        // The list builds only the rows in view: the last job must show once scrolled to.
        await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
        await page.waitForSelector(`.job-row[data-job="job-${String(jobs - 1).padStart(5, '0')}"]`);
      }
      await context.close();
      if (i === 0) continue; // the first load warms the service's code paths and the browser's
      interactiveMs.push(interactive);
      readyMs.push(ready);
    }
    return { interactiveMs, readyMs, listBytes, settleMs };
  } finally {
    await http.stop();
  }
}

/**
 * Waits until the service answers GET /health within SETTLED_MS three times in a row: the page is loaded from a
 * service that runs, not from one still setting up its 10,000 jobs (docs/benchmarks.md: ready after start).
 * Returns how long that took.
 */
async function waitUntilSettled(port: number): Promise<number> {
  const started = Date.now();
  let quick = 0;
  while (quick < 3) {
    if (Date.now() - started > SETTLE_TIMEOUT_MS)
      throw new Error(`the service did not settle in ${SETTLE_TIMEOUT_MS} ms`);
    const answer = await timedGet(port, '/health');
    quick = answer.ms <= SETTLED_MS ? quick + 1 : 0;
    await sleep(200);
  }
  return Date.now() - started;
}
