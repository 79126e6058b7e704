// new-folder: a prepared `every 1s` job folder is copied (`cp -r`) into the running service's jobs folder;
// time to its first run's first instruction, split into discovery (the `job added` line), the wait for the
// next 1-second slot, and the lateness of that slot.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions, BenchResult } from './bench-result.ts';
import { sleep } from './bench-result.ts';
import { makeBenchFolder, readStamps, stampBody, writeJobFolder } from './bench-folder.ts';
import { ServiceProcess } from './service-process.ts';
import { describeSamples, percentile, round } from './stats.ts';

interface Trial {
  /** cp -r begins -> first instruction of the first run. */
  firstRunMs: number;
  /** cp -r begins -> the service's `job added` line (its own timestamp). */
  discoveryMs: number;
  /** `job added` -> the slot the first run was for. */
  slotWaitMs: number;
  /** slot -> first instruction. */
  latenessMs: number;
  /** cp -r begins -> the next whole second: what a scheduler that saw the folder at once would wait, at best. */
  idealMs: number;
}

export async function newFolder(options: BenchOptions): Promise<BenchResult> {
  const trials = options.quick ? 8 : 30;
  const folder = await makeBenchFolder('new-folder', { logLevel: 'INFO' });
  let service: ServiceProcess | undefined;
  try {
    const prepared = writeJobFolder(folder.root, 'prepared', 'every 1s', stampBody(`${folder.out}/$PYCRON_JOB`));
    service = new ServiceProcess(folder.config);
    await service.waitForLine(/pycron ready/, 30_000);
    options.log(`new-folder: ${trials} trials of cp -r of an every-1s job folder into the running service`);
    const results: Trial[] = [];
    for (let i = 0; i < trials; i++) {
      const name = `nf-${String(i).padStart(2, '0')}`;
      await sleep(Math.random() * 1000); // a random phase within the second
      const fromLine = service.lines.length;
      const copiedAt = Date.now();
      execFileSync('cp', ['-r', prepared, join(folder.jobs, name)]);
      const added = await service.waitForLine(new RegExp(`job added: ${name}\\b`), 30_000, fromLine);
      const stampFile = join(folder.out, name);
      const deadline = Date.now() + 30_000;
      while (!existsSync(stampFile) || readStamps(readFileSync(stampFile, 'utf8')).length === 0) {
        if (Date.now() > deadline)
          throw new Error(`${name} did not run within 30 s of its copy; log:\n${service.logTail()}`);
        await sleep(10);
      }
      const stamp = readStamps(readFileSync(stampFile, 'utf8'))[0]!;
      results.push({
        firstRunMs: stamp.startedAt - copiedAt,
        discoveryMs: added.loggedAt - copiedAt,
        slotWaitMs: stamp.scheduledAt - added.loggedAt,
        latenessMs: stamp.startedAt - stamp.scheduledAt,
        idealMs: Math.ceil(copiedAt / 1000) * 1000 - copiedAt,
      });
      const removedFrom = service.lines.length;
      execFileSync('rm', ['-rf', join(folder.jobs, name)]);
      await service.waitForLine(new RegExp(`job removed: ${name}\\b`), 30_000, removedFrom);
    }
    const pick = (key: keyof Trial): number[] => results.map((r) => r[key]);
    const firstRunP99 = round(percentile(pick('firstRunMs'), 99));
    const idealP99 = round(percentile(pick('idealMs'), 99));
    const discoveryP99 = round(percentile(pick('discoveryMs'), 99));
    return {
      name: 'new-folder',
      rows: [
        {
          measurement: 'new folder -> first run p99',
          figure: firstRunP99,
          unit: 'ms',
          baseline: idealP99,
          baselineLabel: 'wait to the next whole second',
          target: '≤ 1000 ms',
          met: firstRunP99 <= 1000,
          pycron: 'PyCron 60–121 s (15 min default)',
        },
        {
          measurement: 'new folder -> job added p99',
          figure: discoveryP99,
          unit: 'ms',
          baseline: null,
          baselineLabel: '—',
          target: '≤ 1000 ms',
          met: discoveryP99 <= 1000,
          pycron: 'PyCron 60–121 s',
        },
      ],
      details: {
        method: `${trials} trials, each at a random phase within the second: \`cp -r\` of a prepared folder (schedule 'every 1s', first instruction \`date +%s%N\`) into jobs/, then rm -rf once it ran. firstRun = cp start -> first instruction; discovery = cp start -> the timestamp on the service's 'job added' line (LOG_LEVEL INFO); slotWait = 'job added' -> the slot (a new job starts at its next slot, never in the past); lateness = slot -> first instruction. Baseline: cp start -> next whole second, i.e. a scheduler with instant discovery and zero lateness.`,
        firstRunMs: describeSamples(pick('firstRunMs')),
        discoveryMs: describeSamples(pick('discoveryMs')),
        slotWaitMs: describeSamples(pick('slotWaitMs')),
        latenessMs: describeSamples(pick('latenessMs')),
        idealMs: describeSamples(pick('idealMs')),
        trials: results.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)]))),
      },
    };
  } finally {
    await service?.stop();
    await folder.remove();
  }
}
