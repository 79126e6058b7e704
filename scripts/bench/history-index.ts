// history-index: the run history's first reading of a status log of 1,000,000 records (200,000 with --quick) over
// 30 daily files and 10,000 jobs: build time, memory per run, the longest event-loop stall while it reads, and
// query latencies. The measuring runs in a child process (node --expose-gc), so its memory is the history's alone.
// Also runnable alone: node --import tsx scripts/bench/history-index.ts [RECORDS]
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunHistory } from '../../src/history/run-history.ts';
import { localDay } from '../../src/statuslog/status-log.ts';
import { buildStatusRecord } from '../../src/statuslog/status-record.ts';
import type { BenchOptions, BenchResult } from './bench-result.ts';
import { describeSamples, round } from './stats.ts';

const DAYS = 30;
const JOBS = 10_000;
const DAY_MS = 86_400_000;
const SELF = fileURLToPath(import.meta.url);

export interface WrittenLog {
  records: number;
  bytes: number;
  /** Every 1000th run id, for get(). */
  sampleRunIds: string[];
}

/**
 * Writes `records` status records spread evenly from the start of the oldest of `days` local days to `endAt`,
 * into daily files named as the status log names them, with outputs of 0-400 bytes; 3% fail, 0.5% time out.
 */
export function writeStatusLog(logsFolder: string, records: number, endAt: number, days = DAYS): WrittenLog {
  mkdirSync(logsFolder, { recursive: true });
  const end = new Date(endAt);
  const startAt = new Date(end.getFullYear(), end.getMonth(), end.getDate() - (days - 1)).getTime();
  const step = (endAt - startAt) / records;
  let random = 42;
  const next = (): number => (random = (Math.imul(random, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
  const written: WrittenLog = { records, bytes: 0, sampleRunIds: [] };
  let day = '';
  let fd: number | undefined;
  let batch: string[] = [];
  const flush = (): void => {
    if (fd === undefined || batch.length === 0) return;
    const text = batch.join('');
    written.bytes += writeSync(fd, text);
    batch = [];
  };
  for (let i = 0; i < records; i++) {
    const endedAt = Math.round(startAt + i * step);
    const durationMs = Math.round(50 + next() * 5000);
    const roll = next();
    const timedOut = roll < 0.005;
    const exitCode = timedOut ? null : roll < 0.03 ? 1 : 0;
    const runId = crypto.randomUUID();
    if (i % 1000 === 0) written.sampleRunIds.push(runId);
    const name = `job-${String(Math.floor(next() * JOBS)).padStart(5, '0')}`;
    const record = buildStatusRecord({
      job: { name, file: `/srv/pycron/jobs/${name}/run.sh` },
      result: {
        runId,
        job: name,
        exitCode,
        signal: timedOut ? 'SIGTERM' : null,
        timedOut,
        forcefullyTerminated: false,
        error: null,
        pid: 10_000 + i,
        startedAt: endedAt - durationMs,
        endedAt,
        durationMs,
        stdout: `processed ${i} items\n`.repeat(Math.floor(next() * 20)),
        stderr: exitCode === 1 ? 'error: the upstream answered 503\n' : '',
        outputTruncated: false,
        errorTruncated: false,
      },
      scheduledAt: endedAt - durationMs - 3,
      reasonForRun: 'schedule',
      failedAttempts: exitCode === 0 ? 0 : 1,
      nextRun: endedAt + 3_600_000,
      host: 'bench-host',
    });
    const recordDay = localDay(endedAt);
    if (recordDay !== day) {
      flush();
      if (fd !== undefined) closeSync(fd);
      day = recordDay;
      fd = openSync(join(logsFolder, `job_status-${day}.log`), 'a');
    }
    batch.push(`${JSON.stringify(record)}\n`);
    if (batch.length >= 10_000) flush();
  }
  flush();
  if (fd !== undefined) closeSync(fd);
  return written;
}

interface Measured {
  runs: number;
  buildMs: number;
  /** CPU time of the whole process (every thread) during the build. */
  buildCpuMs: number;
  bytesPerRun: number;
  heapMiB: number;
  arrayBuffersMiB: number;
  rssMiB: number;
  maxStallMs: number;
  stats: Record<string, unknown>;
  latencyUs: Record<string, ReturnType<typeof describeSamples>>;
}

/** The child's part: builds the history of `logsFolder` and measures it. */
async function measure(logsFolder: string, sampleRunIds: string[]): Promise<Measured> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  const before = process.memoryUsage();
  let maxStallMs = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last);
    last = now;
  }, 1);
  const cpuBefore = process.cpuUsage();
  const history = new RunHistory({ logsFolder, retentionDays: DAYS });
  await history.ready;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(probe);
  gc();
  const after = process.memoryUsage();
  const stats = history.stats();
  const used = (m: NodeJS.MemoryUsage): number => m.heapUsed + m.arrayBuffers;

  const time = (fn: (i: number) => unknown, times: number): ReturnType<typeof describeSamples> => {
    const samples: number[] = [];
    for (let i = 0; i < times; i++) {
      const started = performance.now();
      fn(i);
      samples.push((performance.now() - started) * 1000);
    }
    return describeSamples(samples);
  };
  const job = (i: number): string => `job-${String((i * 7919) % JOBS).padStart(5, '0')}`;
  const latencyUs: Measured['latencyUs'] = {
    recent20: time((i) => history.recent(job(i), 20), 2000),
    summary: time((i) => history.summary(job(i)), 2000),
    newest100: time(() => history.query({ limit: 100 }), 200),
    job100: time((i) => history.query({ job: job(i), limit: 100 }), 500),
    failed100: time(() => history.query({ status: 'failed', limit: 100 }), 200),
    timedOut1000: time(() => history.query({ status: 'timed_out', limit: 1000 }), 50),
    lastDay1000: time(() => history.query({ since: Date.now() - DAY_MS, limit: 1000 }), 50),
  };
  let cursor: string | null = null;
  latencyUs.page100Deep = time(() => {
    cursor = history.query({ limit: 100, ...(cursor ? { before: cursor } : {}) }).next;
  }, 500);
  const getSamples: number[] = [];
  for (const runId of sampleRunIds) {
    const started = performance.now();
    const found = await history.get(runId);
    getSamples.push((performance.now() - started) * 1000);
    if (found.kind !== 'found') throw new Error(`get(${runId}): ${found.kind}`);
  }
  latencyUs.get = describeSamples(getSamples);
  await history.close();
  return {
    runs: stats.runs,
    buildMs: stats.buildMs ?? Number.NaN,
    buildCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    bytesPerRun: round((used(after) - used(before)) / stats.runs),
    heapMiB: round((after.heapUsed - before.heapUsed) / 2 ** 20),
    arrayBuffersMiB: round((after.arrayBuffers - before.arrayBuffers) / 2 ** 20),
    rssMiB: round(after.rss / 2 ** 20),
    maxStallMs: round(maxStallMs),
    stats: { ...stats },
    latencyUs,
  };
}

function measureInChild(logsFolder: string, sampleRunIds: string[]): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', SELF, '--measure', logsFolder], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.stdin.end(JSON.stringify(sampleRunIds));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out) as Measured);
      else reject(new Error(`history-index child exited with ${code}`));
    });
  });
}

export async function historyIndex(
  options: BenchOptions,
  records = options.quick ? 200_000 : 1_000_000,
): Promise<BenchResult> {
  const root = await mkdtemp(join(tmpdir(), 'pycron-bench-history-'));
  try {
    const logs = join(root, 'logs');
    options.log(`history-index: writing ${records} status records over ${DAYS} days for ${JOBS} jobs`);
    const written = writeStatusLog(logs, records, Date.now() - 60_000);
    options.log(`history-index: ${round(written.bytes / 2 ** 20)} MiB written; building the history`);
    const m = await measureInChild(logs, written.sampleRunIds);
    if (m.runs !== records) throw new Error(`the history holds ${m.runs} runs of ${records}`);
    const row = (measurement: string, figure: number, unit: string, target: string, met: boolean) => ({
      measurement: `history: ${measurement}`,
      figure,
      unit,
      baseline: null,
      baselineLabel: '—',
      target,
      met,
      pycron: '—',
    });
    const buildS = round(m.buildMs / 1000);
    return {
      name: 'history-index',
      rows: [
        row(`build from ${records} records`, buildS, 's', '≤ 10 s per million', m.buildMs <= (10_000 * records) / 1e6),
        row('memory per run held', m.bytesPerRun, 'bytes', '≤ 150 bytes', m.bytesPerRun <= 150),
        row('longest event-loop stall while building', m.maxStallMs, 'ms', '≤ 50 ms', m.maxStallMs <= 50),
        row(
          'recent(job, 20) p99',
          round(m.latencyUs.recent20!.p99 / 1000),
          'ms',
          '≤ 2 ms',
          m.latencyUs.recent20!.p99 <= 2000,
        ),
        row('get(run_id) p99', round(m.latencyUs.get!.p99 / 1000), 'ms', '≤ 10 ms', m.latencyUs.get!.p99 <= 10_000),
      ],
      details: {
        method: `${records} records written with buildStatusRecord (outputs 0-400 bytes, 3% failed, 0.5% timed out) into ${DAYS} daily files; a child process (node --expose-gc) builds a RunHistory and waits for ready. CPU = process.cpuUsage over the build (all threads); memory = heapUsed + arrayBuffers after a gc, minus the same before, per run; stall = the largest gap seen by a 1 ms setInterval during the build; latencies over repeated calls, in µs.`,
        logMiB: round(written.bytes / 2 ** 20),
        ...m,
      },
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === SELF) {
  if (process.argv[2] === '--measure') {
    let input = '';
    for await (const chunk of process.stdin) input += String(chunk);
    process.stdout.write(JSON.stringify(await measure(process.argv[3]!, JSON.parse(input) as string[])));
  } else {
    const result = await historyIndex(
      { quick: false, log: (message) => console.log(message) },
      Number(process.argv[2] ?? 1_000_000),
    );
    console.log(JSON.stringify(result, null, 2));
  }
}
