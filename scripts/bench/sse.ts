// sse: 100 clients on GET /api/v1/events while 100 `every 1s` jobs finish 100 runs a second: how long after a run's
// end (its ended_at) each client receives its run:finished, whether every client gets every run, and whether any
// is dropped. Baseline: the same service and jobs, one client, measured just before.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions, BenchResult, SummaryRow } from './bench-result.ts';
import { sleep } from './bench-result.ts';
import { writeJobFolder } from './bench-folder.ts';
import { SseClient } from './sse-client.ts';
import { startHttpService } from './start-http-service.ts';
import { describeSamples, percentile, round } from './stats.ts';

const JOBS = 100;
const CLIENTS = 100;
const WARM_UP_MS = 2_000;
/** Runs that end this close to the window's end may still be on their way: the window closes after it. */
const DELIVERY_GRACE_MS = 1_000;
const TARGET_P99_MS = 100;

interface Phase {
  clients: number;
  windowStart: number;
  windowEnd: number;
  /** The status log's runs that ended in the window. */
  expected: number;
  runsPerS: number;
  delivered: number;
  latencyMs: number[];
  dropped: number;
}

export async function sse(options: BenchOptions): Promise<BenchResult> {
  const windowMs = options.quick ? 6_000 : 15_000;
  options.log(`sse: ${JOBS} every-1s jobs; 1 client, then ${CLIENTS} clients, ${windowMs / 1000} s each`);
  const http = await startHttpService('sse', JOBS, (jobs) => {
    for (let i = 0; i < JOBS; i++) writeJobFolder(jobs, `tick-${String(i).padStart(3, '0')}`, 'every 1s', 'true');
  });
  try {
    const measure = async (clientCount: number): Promise<Phase> => {
      const clients = Array.from({ length: clientCount }, () => new SseClient(http.port));
      await Promise.all(clients.map((c) => c.connected));
      await sleep(WARM_UP_MS);
      const windowStart = Date.now();
      await sleep(windowMs);
      const windowEnd = Date.now();
      await sleep(DELIVERY_GRACE_MS);
      for (const client of clients) client.close();
      const ended = readEndedRuns(http.folder.logs).filter((r) => r.endedAt >= windowStart && r.endedAt < windowEnd);
      const latencyMs: number[] = [];
      for (const client of clients)
        for (const run of ended) {
          const delivery = client.deliveries.get(run.runId);
          if (delivery) latencyMs.push(delivery.receivedAt - delivery.endedAt);
        }
      return {
        clients: clientCount,
        windowStart,
        windowEnd,
        expected: ended.length,
        runsPerS: round(ended.length / ((windowEnd - windowStart) / 1000)),
        delivered: latencyMs.length,
        latencyMs,
        dropped: clients.filter((c) => c.droppedAt !== undefined).length,
      };
    };
    const one = await measure(1);
    options.log(`sse: 1 client: ${one.delivered} of ${one.expected} runs (${one.runsPerS}/s); now ${CLIENTS} clients`);
    const many = await measure(CLIENTS);
    if (many.expected === 0) throw new Error(`no run ended in the window; log:\n${http.service.logTail()}`);

    const share = (p: Phase): number => round((100 * p.delivered) / (p.expected * p.clients));
    const latencyRow = (quantile: number): SummaryRow => {
      const figure = round(percentile(many.latencyMs, quantile));
      return {
        measurement: `SSE: run end -> ${CLIENTS} clients p${quantile}, ${many.runsPerS} runs/s`,
        figure,
        unit: 'ms',
        baseline: round(percentile(one.latencyMs, quantile)),
        baselineLabel: '1 client, same service and jobs',
        target: `≤ ${TARGET_P99_MS} ms`,
        met: figure <= TARGET_P99_MS,
        pycron: '—',
      };
    };
    const view = ({ latencyMs, windowStart, windowEnd, ...rest }: Phase) => ({
      ...rest,
      windowMs: windowEnd - windowStart,
      latencyMs: describeSamples(latencyMs),
    });
    return {
      name: 'sse',
      rows: [
        latencyRow(50),
        latencyRow(99),
        {
          measurement: `SSE: run:finished delivered, ${CLIENTS} clients`,
          figure: share(many),
          unit: '%',
          baseline: share(one),
          baselineLabel: '1 client',
          target: '100 %',
          met: many.delivered === many.expected * many.clients,
          pycron: '—',
        },
        {
          measurement: 'SSE: clients dropped',
          figure: many.dropped,
          unit: `of ${CLIENTS}`,
          baseline: null,
          baselineLabel: '—',
          target: '0',
          met: many.dropped === 0,
          pycron: '—',
        },
      ],
      details: {
        method: `${JOBS} jobs 'every 1s' running \`true\` (all due at each whole second), the service at LOG_LEVEL WARNING with [HTTP] LISTEN on a free 127.0.0.1 port. Phase 1: 1 client, phase 2: ${CLIENTS} clients, each on a connection of its own in the bench process; ${WARM_UP_MS} ms after all are connected, a ${windowMs} ms window opens. Expected: every run whose status record has ended_at in the window (read from the status log afterwards), at every client. Latency = Date.now() when the chunk holding the run:finished message arrived minus the record's ended_at (both wall clock, same machine, ms). A client whose stream ends before the bench closes it counts as dropped.`,
        oneClient: view(one),
        manyClients: view(many),
      },
    };
  } finally {
    await http.stop();
  }
}

/** Every run in the status log's daily files: run id and ended_at (ms). */
function readEndedRuns(logsFolder: string): { runId: string; endedAt: number }[] {
  return readdirSync(logsFolder)
    .filter((name) => /^job_status-\d{4}-\d{2}-\d{2}\.log$/.test(name))
    .flatMap((name) => readFileSync(join(logsFolder, name), 'utf8').split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { run_id: string; ended_at: string })
    .map((record) => ({ runId: record.run_id, endedAt: Date.parse(record.ended_at) }));
}
