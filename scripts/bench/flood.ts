// flood: a job printing 50 MiB every second next to an unrelated `every 1s` job: the service's RSS growth
// during the flood and the unrelated job's lateness, against a quiet window before it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions, BenchResult } from './bench-result.ts';
import { sleep } from './bench-result.ts';
import { makeBenchFolder, readStamps, stampBody, writeJobFolder } from './bench-folder.ts';
import { rssMiB } from './proc-stats.ts';
import { runBaseline } from './run-baseline.ts';
import { ServiceProcess } from './service-process.ts';
import { describeSamples, percentile, round } from './stats.ts';

const FLOOD_COMMAND = "head -c 52428800 /dev/zero | tr '\\0' x";

export async function flood(options: BenchOptions): Promise<BenchResult> {
  const quietS = options.quick ? 5 : 10;
  const floodS = options.quick ? 8 : 20;
  const folder = await makeBenchFolder('flood');
  let service: ServiceProcess | undefined;
  let sampler: NodeJS.Timeout | undefined;
  try {
    const tickFile = join(folder.out, 'tick.txt');
    const switchFile = join(folder.out, 'flood-on');
    writeJobFolder(folder.jobs, 'tick', 'every 1s', stampBody(tickFile));
    writeJobFolder(folder.jobs, 'flood', 'every 1s', `if [ -e "${switchFile}" ]; then ${FLOOD_COMMAND}; fi`);
    service = new ServiceProcess(folder.config);
    const pid = service.pid;
    const rss: { at: number; mib: number }[] = [];
    sampler = setInterval(() => rss.push({ at: Date.now(), mib: rssMiB(pid) }), 20);
    const upBy = Date.now() + 30_000;
    while (!ticks(tickFile).length) {
      if (Date.now() > upBy || !service.running)
        throw new Error(`the service did not run the tick job within 30 s; log:\n${service.logTail()}`);
      await sleep(100);
    }
    options.log(`flood: ${quietS} s quiet, then ${floodS} s of a job printing 50 MiB every second`);
    const quietStart = Date.now();
    await sleep(quietS * 1000);
    const floodStart = Date.now();
    const rssBefore = rssMiB(pid);
    writeFileSync(switchFile, '');
    await sleep(floodS * 1000);
    rmSync(switchFile);
    const floodEnd = Date.now();
    await sleep(1500); // the last flood run ends and its record is written
    clearInterval(sampler);
    await service.stop();

    const during = rss.filter((s) => s.at >= floodStart && s.at <= floodEnd + 1500).map((s) => s.mib);
    const growth = round(Math.max(...during) - rssBefore);
    const lateness = (from: number, to: number): number[] =>
      ticks(tickFile)
        .filter((t) => t.scheduledAt >= from && t.scheduledAt < to)
        .map((t) => t.startedAt - t.scheduledAt);
    const quiet = lateness(quietStart, floodStart);
    const flooded = lateness(floodStart, floodEnd);
    const floodRuns = readFileSync(join(folder.logs, 'job_status.log'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"job":"flood"'))
      .map((line) => JSON.parse(line) as { duration_ms: number; output_truncated: boolean; output: string })
      .filter((r) => r.output_truncated);
    if (floodRuns.length === 0) throw new Error('no run of the flood job printed its 50 MiB');

    const reader = (await runBaseline('flood-reader', { command: FLOOD_COMMAND, runs: 3 })) as {
      rssBeforeMiB: number;
      rssMaxMiB: number;
      bytes: number;
    };
    const floodP99 = round(percentile(flooded, 99));
    return {
      name: 'flood',
      rows: [
        {
          measurement: 'flood: service RSS growth',
          figure: growth,
          unit: 'MiB',
          baseline: round(reader.rssMaxMiB - reader.rssBeforeMiB),
          baselineLabel: 'plain node reading and dropping the 50 MiB',
          target: '≤ 64 MiB',
          met: growth <= 64,
          pycron: 'PyCron 4.56 GiB RSS',
        },
        {
          measurement: 'flood: unrelated job lateness p99',
          figure: floodP99,
          unit: 'ms',
          baseline: round(percentile(quiet, 99)),
          baselineLabel: 'same job in the quiet window before',
          target: '≤ 50 ms',
          met: floodP99 <= 50,
          pycron: 'PyCron blocked 126 s',
        },
      ],
      details: {
        method: `two every-1s jobs; 'flood' prints 50 MiB (\`${FLOOD_COMMAND}\`) while a switch file exists, 'tick' stamps \`date +%s%N\`. ${quietS} s quiet, then ${floodS} s with the switch on. RSS growth = max VmRSS sampled every 20 ms during the flood (and 1.5 s after) minus VmRSS when it began. Lateness of 'tick' = first instruction - slot, over the slots inside each window. Baselines: the same tick job in the quiet window; a plain Node process running the flood command 3 times, reading and dropping its output, and its own RSS growth.`,
        rssBeforeMiB: round(rssBefore),
        rssMaxDuringMiB: round(Math.max(...during)),
        floodRuns: floodRuns.length,
        floodRunDurationMs: describeSamples(floodRuns.map((r) => r.duration_ms)),
        capturedOutputCharsPerRecord: floodRuns[0]!.output.length,
        quietLatenessMs: describeSamples(quiet),
        floodLatenessMs: describeSamples(flooded),
        baselineReader: { ...reader, rssBeforeMiB: round(reader.rssBeforeMiB), rssMaxMiB: round(reader.rssMaxMiB) },
      },
    };
  } finally {
    clearInterval(sampler);
    await service?.stop();
    await folder.remove();
  }
}

function ticks(file: string): { startedAt: number; scheduledAt: number }[] {
  try {
    return readStamps(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}
