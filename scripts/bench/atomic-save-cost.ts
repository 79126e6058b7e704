// Times the state file's atomic save sequence (temp file, write, fsync, close, rename, fsync of the folder) on
// the benchmark's own disk: the work pycron does before each spawn, measured outside pycron for comparison.
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { median, percentile, round } from './stats.ts';

export async function atomicSaveCost(folder: string, times = 20): Promise<{ p50Ms: number; p99Ms: number }> {
  const target = join(folder, 'atomic-probe.json');
  const temp = join(folder, '.atomic-probe.json.tmp');
  const text = `${JSON.stringify({ version: 1, jobs: { tick: { failures: 0, lastSlotAt: Date.now() } } }, null, 1)}\n`;
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const file = await open(temp, 'w');
    await file.writeFile(text, 'utf8');
    await file.sync();
    await file.close();
    await rename(temp, target);
    const dir = await open(folder, 'r');
    await dir.sync();
    await dir.close();
    samples.push(performance.now() - started);
  }
  await rm(target, { force: true });
  return { p50Ms: round(median(samples)), p99Ms: round(percentile(samples, 99)) };
}
