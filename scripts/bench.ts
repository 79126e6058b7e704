// `npm run bench`: runs the benchmarks of issues 3 and 5 against the real service process and writes
// bench-results/<name>.json, summary.json and summary.md. Options: --only NAME[,NAME], --quick (smaller counts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { api } from './bench/api.ts';
import type { Benchmark } from './bench/bench-result.ts';
import { burst } from './bench/burst.ts';
import { cluster } from './bench/cluster.ts';
import { dashboardLoad } from './bench/dashboard-load.ts';
import { flood } from './bench/flood.ts';
import { historyIndex } from './bench/history-index.ts';
import { idle } from './bench/idle.ts';
import { kill9 } from './bench/kill9.ts';
import { lateness } from './bench/lateness.ts';
import { metrics } from './bench/metrics.ts';
import { newFolder } from './bench/new-folder.ts';
import { killAllServices } from './bench/service-process.ts';
import { sse } from './bench/sse.ts';
import { renderSummaryTable, type TableRow } from './bench/summary-table.ts';

const BENCHMARKS: Record<string, Benchmark> = {
  lateness,
  burst,
  idle,
  'new-folder': newFolder,
  flood,
  kill9,
  api,
  metrics,
  sse,
  dashboard: dashboardLoad,
  'history-index': historyIndex,
  cluster,
};
const RESULTS = fileURLToPath(new URL('../bench-results/', import.meta.url));

function parseArgs(argv: string[]): { only: string[]; quick: boolean } {
  let only = Object.keys(BENCHMARKS);
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      only = (value ?? '').split(',').filter(Boolean);
      const unknown = only.filter((name) => !(name in BENCHMARKS));
      if (unknown.length > 0 || only.length === 0) usage(`unknown benchmark '${unknown.join(', ') || value}'`);
    } else if (arg === '--help' || arg === '-h') usage();
    else usage(`unknown argument '${arg}'`);
  }
  return { only, quick };
}

function usage(problem?: string): never {
  if (problem) console.error(`bench: ${problem}`);
  console.error(`usage: npm run bench -- [--quick] [--only ${Object.keys(BENCHMARKS).join('|')}[,...]]`);
  process.exit(problem ? 2 : 0);
}

const { only, quick } = parseArgs(process.argv.slice(2));
process.on('exit', killAllServices);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllServices();
    process.exit(130);
  });
}
mkdirSync(RESULTS, { recursive: true });

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: process.platform,
};
const started = Date.now();
const rows: TableRow[] = [];
const errors: { bench: string; error: string }[] = [];
const log = (message: string): void =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
log(
  `bench${quick ? ' --quick' : ''}: ${only.join(', ')} on ${machine.cpus} CPU(s), load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

for (const name of only) {
  const benchStarted = Date.now();
  const loadBefore = loadavg();
  let record: Record<string, unknown>;
  try {
    const result = await BENCHMARKS[name]!({ quick, log });
    rows.push(...result.rows.map((row) => ({ ...row, bench: name })));
    record = { ...result, ok: true };
    for (const row of result.rows)
      log(
        `${row.measurement}: ${row.figure} ${row.unit} (baseline ${row.baseline ?? '—'}) -> ${row.met ? 'met' : 'MISSED'} (${row.target})`,
      );
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    errors.push({ bench: name, error: message });
    record = { name, ok: false, error: message };
    log(`${name} failed: ${message}`);
  }
  const meta = {
    quick,
    date: new Date(benchStarted).toISOString(),
    durationS: Math.round((Date.now() - benchStarted) / 1000),
    loadBefore,
    loadAfter: loadavg(),
    machine,
  };
  writeFileSync(`${RESULTS}${name}.json`, `${JSON.stringify({ ...record, ...meta }, null, 2)}\n`);
}

const durationS = Math.round((Date.now() - started) / 1000);
const table = renderSummaryTable(rows, errors);
const heading = `pycron bench, ${new Date(started).toISOString()}${quick ? ' (--quick: smaller counts, not comparable with the targets)' : ''}: ${machine.cpus} CPU(s) ${machine.cpuModel}, Node ${machine.node}, ${durationS} s, load average at the end ${loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')}`;
writeFileSync(
  `${RESULTS}summary.json`,
  `${JSON.stringify({ date: new Date(started).toISOString(), quick, durationS, machine, rows, errors }, null, 2)}\n`,
);
writeFileSync(`${RESULTS}summary.md`, `${heading}\n\n${table}\n`);
console.log(`\n${heading}\n\n${table}\n\nDetails: bench-results/*.json`);
process.exitCode = errors.length > 0 ? 1 : 0;
