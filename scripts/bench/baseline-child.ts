// Entry point of the baselines: "what a minimal scheduler would see", run in a plain Node process of its own
// (raw setTimeout to an instant, raw spawn), so the service's figures have something to be compared with.
// Usage: node --import tsx baseline-child.ts MODE < input.json; prints one JSON line on stdout.
import { spawn } from 'node:child_process';
import { rssMiB } from './proc-stats.ts';

interface BaselineJob {
  command: string;
  cwd: string;
  name: string;
}

/** At each instant (raw setTimeout), spawns every job as pycron would (detached, stdout/stderr piped). */
async function timerSpawn(input: { instants: number[]; jobs: BaselineJob[] }): Promise<unknown> {
  const timerLateMs: number[] = [];
  const spawnLoopMs: number[] = [];
  let rssAtSpawnMiB = Number.NaN;
  const ended: Promise<void>[] = [];
  for (const at of input.instants) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
    rssAtSpawnMiB = rssMiB(process.pid);
    const woke = Date.now();
    timerLateMs.push(woke - at);
    for (const job of input.jobs) {
      const child = spawn(job.command, [], {
        cwd: job.cwd,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PYCRON_JOB: job.name, PYCRON_SCHEDULED_AT: new Date(at).toISOString() },
      });
      child.stdout.resume();
      child.stderr.resume();
      ended.push(new Promise((resolve) => child.once('close', () => resolve())));
    }
    spawnLoopMs.push(Date.now() - woke);
  }
  await Promise.all(ended);
  return { timerLateMs, spawnLoopMs, rssMiB: rssAtSpawnMiB };
}

/** Runs `command`, reading and dropping its output as it comes, and reports this process's RSS growth. */
async function floodReader(input: { command: string; runs: number }): Promise<unknown> {
  const before = rssMiB(process.pid);
  let max = before;
  const sampler = setInterval(() => (max = Math.max(max, rssMiB(process.pid))), 20);
  let bytes = 0;
  for (let i = 0; i < input.runs; i++) {
    const child = spawn('/bin/sh', ['-c', input.command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.stderr.resume();
    await new Promise((resolve) => child.once('close', resolve));
  }
  clearInterval(sampler);
  max = Math.max(max, rssMiB(process.pid));
  return { rssBeforeMiB: before, rssMaxMiB: max, bytes };
}

const [mode] = process.argv.slice(2);
let json = '';
for await (const chunk of process.stdin) json += String(chunk);
const input = JSON.parse(json) as never;
const output =
  mode === 'timer-spawn' ? await timerSpawn(input) : mode === 'flood-reader' ? await floodReader(input) : undefined;
if (output === undefined) throw new Error(`unknown baseline mode ${mode}`);
process.stdout.write(`${JSON.stringify(output)}\n`);
