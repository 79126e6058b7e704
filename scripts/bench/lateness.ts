// lateness: scheduled instant -> the job's first instruction (it reads the wall clock), for an `every 1s` job,
// next to a plain Node process that arms setTimeout for each instant and spawns the same script.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions, BenchResult } from './bench-result.ts';
import { sleep } from './bench-result.ts';
import { atomicSaveCost } from './atomic-save-cost.ts';
import { makeBenchFolder, readStamps, stampBody, writeScript, writeJobFolder } from './bench-folder.ts';
import { runBaseline } from './run-baseline.ts';
import { ServiceProcess } from './service-process.ts';
import { describeSamples, percentile, round } from './stats.ts';

/** Firings dropped from both series: the first spawns of a fresh process pay for JIT compilation. */
const WARM_UP = 2;

export async function lateness(options: BenchOptions): Promise<BenchResult> {
  const firings = options.quick ? 30 : 200;
  const folder = await makeBenchFolder('lateness');
  let service: ServiceProcess | undefined;
  try {
    const serviceFile = join(folder.out, 'service.txt');
    const baselineFile = join(folder.out, 'baseline.txt');
    writeJobFolder(folder.jobs, 'tick', 'every 1s', stampBody(serviceFile));
    const baselineDir = join(folder.root, 'baseline-job');
    mkdirSync(baselineDir);
    writeScript(join(baselineDir, 'run.sh'), stampBody(baselineFile));

    service = new ServiceProcess(folder.config);
    // At LOG_LEVEL WARNING there is no ready line: the first stamp shows the service is up and firing.
    const count = (): number => (existsSync(serviceFile) ? readStamps(readFileSync(serviceFile, 'utf8')).length : 0);
    const upBy = Date.now() + 30_000;
    while (count() === 0) {
      if (Date.now() > upBy || !service.running)
        throw new Error(`the service did not run the job within 30 s; log:\n${service.logTail()}`);
      await sleep(100);
    }
    // The baseline fires half a second away from the service's slots, so the two never compete for the CPU.
    const firstSecond = Math.ceil(Date.now() / 1000) + 1;
    const instants = Array.from({ length: firings + WARM_UP }, (_, k) => (firstSecond + k) * 1000 + 500);
    const baseline = runBaseline('timer-spawn', {
      instants,
      jobs: [{ command: join(baselineDir, 'run.sh'), cwd: baselineDir, name: 'tick' }],
    });
    options.log(
      `lateness: ${firings} firings of an every-1s job (+${WARM_UP} warm-up), about ${firings + WARM_UP + 3} s`,
    );

    const deadline = Date.now() + (firings + WARM_UP + 30) * 1000;
    while (count() < firings + WARM_UP + 2 && Date.now() < deadline) await sleep(500);
    const baselineReport = (await baseline) as { timerLateMs: number[] };
    await service.stop();
    // Where the time goes inside pycron: begun_at is taken when it calls spawn, after the state file is saved.
    const preSpawnMs = readFileSync(join(folder.logs, 'job_status.log'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { begun_at: string; scheduled_at: string })
      .slice(WARM_UP)
      .map((r) => Date.parse(r.begun_at) - Date.parse(r.scheduled_at));
    const saveCost = await atomicSaveCost(folder.out);

    const serviceSamples = readStamps(readFileSync(serviceFile, 'utf8')).map((s) => s.startedAt - s.scheduledAt);
    const service200 = serviceSamples.slice(WARM_UP, WARM_UP + firings);
    const baselineSamples = readStamps(readFileSync(baselineFile, 'utf8'))
      .map((s) => s.startedAt - s.scheduledAt)
      .slice(WARM_UP);
    if (service200.length < firings) throw new Error(`only ${service200.length} of ${firings} firings were recorded`);

    const p = (xs: number[], q: number): number => round(percentile(xs, q));
    return {
      name: 'lateness',
      rows: [
        row('lateness p50', p(service200, 50), p(baselineSamples, 50), 5, 'PyCron 282 ms'),
        row('lateness p99', p(service200, 99), p(baselineSamples, 99), 20, 'PyCron 730 ms'),
      ],
      details: {
        method:
          'every-1s job whose first instruction is `date +%s%N` (sh + one fork of date); lateness = that clock reading - PYCRON_SCHEDULED_AT. Baseline: a separate Node process, raw setTimeout to X.500 s then spawn of the same script (detached, piped), same machine, same window.',
        warmUpDropped: WARM_UP,
        serviceMs: describeSamples(service200),
        baselineMs: describeSamples(baselineSamples),
        baselineTimerOnlyMs: describeSamples(baselineReport.timerLateMs.slice(WARM_UP)),
        serviceSlotToSpawnCallMs: describeSamples(preSpawnMs),
        atomicStateSaveOnThisDiskMs: saveCost,
        note: 'serviceSlotToSpawnCallMs is the status record begun_at - scheduled_at (ms resolution): the timer delay plus the state save (write, fsync, rename, fsync of the folder) that pycron completes before each spawn; atomicStateSaveOnThisDiskMs times that same sequence from the bench process.',
        warmUpServiceMs: serviceSamples.slice(0, WARM_UP).map(round),
        serviceSamplesMs: service200.map(round),
      },
    };
  } finally {
    await service?.stop();
    await folder.remove();
  }
}

function row(
  measurement: string,
  figure: number,
  baseline: number,
  targetMs: number,
  pycron: string,
): BenchResult['rows'][number] {
  return {
    measurement,
    figure,
    unit: 'ms',
    baseline,
    baselineLabel: 'setTimeout + spawn of the same script',
    target: `≤ ${targetMs} ms`,
    met: figure <= targetMs,
    pycron,
  };
}
