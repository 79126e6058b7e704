// The metrics benchmark's in-process part: a ServiceMetrics (as the service builds it, no process metrics) fed
// one finished run per job for `jobs` jobs, so every per-job series exists (the worst case a scrape meets), then
// `renders` uncached renders, each timed (wall clock and CPU time of the process, every thread), with the longest
// event-loop block seen during it.
// Usage: node --import tsx metrics-render-child.ts JOBS RENDERS; prints one JSON line on stdout.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ServiceEventBus } from '../../src/events.ts';
import { ServiceMetrics } from '../../src/metrics/service-metrics.ts';
import type { Firing } from '../../src/scheduler/firing.ts';
import { buildStatusRecord } from '../../src/statuslog/status-record.ts';

const [jobs, renders] = process.argv.slice(2).map(Number) as [number, number];
const names = Array.from({ length: jobs }, (_, i) => `job-${String(i).padStart(5, '0')}`);
const events = new ServiceEventBus();
const slot = Date.now() - 3_600_000;
// A variable rather than a literal, so that versions of ServiceMetrics without a render cache accept it too.
const options = {
  events,
  jobNames: () => names,
  nextRunOf: () => slot + 86_400_000,
  jobsFolder: '/srv/pycron/jobs',
  processMetrics: false,
  maxAgeMs: 0,
};
const metrics = new ServiceMetrics(options);
for (const [i, job] of names.entries()) {
  const firing: Firing = { job, scheduledAt: slot, reason: 'schedule', attempt: 1, collapsedSlots: 0, args: [] };
  const startedAt = slot + (i % 50);
  const durationMs = (i % 600) * 1000;
  const exitCode = i % 10 === 0 ? 1 : 0;
  const result = {
    runId: `run-${i}`,
    job,
    exitCode,
    signal: null,
    timedOut: false,
    forcefullyTerminated: false,
    error: null,
    pid: 4242,
    startedAt,
    endedAt: startedAt + durationMs,
    durationMs,
    stdout: '',
    stderr: '',
    outputTruncated: false,
    errorTruncated: false,
  };
  events.emit('run:started', { firing, runId: result.runId, pid: result.pid });
  const record = buildStatusRecord({
    job: { name: job, file: `/srv/pycron/jobs/${job}/run.sh` },
    result,
    scheduledAt: slot,
    reasonForRun: 'schedule',
    failedAttempts: exitCode,
    nextRun: undefined,
    host: 'bench',
  });
  events.emit('run:finished', { firing, result, record });
}

const renderMs: number[] = [];
const blockMs: number[] = [];
const cpuMs: number[] = [];
let bytes = 0;
let samples = 0;
for (let i = 0; i < renders; i++) {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const text = await metrics.render();
  renderMs.push(performance.now() - started);
  const cpu = process.cpuUsage(cpuBefore);
  cpuMs.push((cpu.user + cpu.system) / 1000);
  loop.disable();
  blockMs.push(loop.max / 1e6);
  bytes = Buffer.byteLength(text);
  samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
}
metrics.close();
process.stdout.write(`${JSON.stringify({ renderMs, cpuMs, blockMs, bytes, samples })}\n`);
