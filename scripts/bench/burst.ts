// burst: N jobs due in the same second (a 6-field cron naming one instant): time from that instant until the
// last of them has begun (its first instruction), next to a plain Node process spawning the same N scripts.
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions, BenchResult } from './bench-result.ts';
import { sleep } from './bench-result.ts';
import { makeBenchFolder, readStamps, stampBody, writeJobFolder, type BenchFolder } from './bench-folder.ts';
import { runBaseline } from './run-baseline.ts';
import { rssMiB } from './proc-stats.ts';
import { ServiceProcess } from './service-process.ts';
import { describeSamples, median, round } from './stats.ts';

/** Seconds between starting the service and the burst instant: start-up of N folders, with room to spare. */
const START_MARGIN_S = 6;

interface Sample {
  /** Instant -> first and last spawn call, from the status records (service samples only). */
  spawnCallsMs?: [number, number];
  /** RSS of the spawning process just before the instant. */
  spawnerRssMiB?: number;
  /** Instant -> the last job's first instruction. */
  allStartedMs: number;
  /** Instant -> the median job's first instruction. */
  p50StartedMs: number;
}

export async function burst(options: BenchOptions): Promise<BenchResult> {
  const jobs = options.quick ? 200 : 1000;
  const samples = options.quick ? 1 : 3;
  const service: Sample[] = [];
  const baseline: Sample[] = [];
  options.log(`burst: ${jobs} jobs due in the same second, ${samples} sample(s) each for the service and the baseline`);
  for (let i = 0; i < samples; i++) {
    service.push(await serviceSample(jobs));
    baseline.push(await baselineSample(jobs));
    options.log(
      `burst: sample ${i + 1}: service ${round(service[i]!.allStartedMs)} ms, baseline ${round(baseline[i]!.allStartedMs)} ms`,
    );
  }
  const figure = round(median(service.map((s) => s.allStartedMs)));
  const base = round(median(baseline.map((s) => s.allStartedMs)));
  return {
    name: 'burst',
    rows: [
      {
        measurement: `burst: ${jobs} jobs all started`,
        figure,
        unit: 'ms',
        baseline: base,
        baselineLabel: `setTimeout + raw spawn of the same ${jobs} scripts`,
        target: '≤ 1.25× baseline',
        met: figure <= 1.25 * base,
        pycron: 'PyCron 200 jobs: 1.7–2.2 s',
      },
    ],
    details: {
      method: `${jobs} job folders with the 6-field cron of one instant T (TZ=UTC prefix); each job's first instruction appends \`date +%s%N\` to a file of its own outside the jobs folder. Figure: T -> the last first-instruction, median of ${samples} samples (a fresh service each). Baseline: a separate Node process, raw setTimeout to T then spawn of the same ${jobs} scripts (detached, piped, cwd = their folder) in one loop.`,
      jobs,
      serviceAllStartedMs: describeSamples(service.map((s) => s.allStartedMs)),
      baselineAllStartedMs: describeSamples(baseline.map((s) => s.allStartedMs)),
      serviceMedianJobStartedMs: service.map((s) => round(s.p50StartedMs)),
      baselineMedianJobStartedMs: baseline.map((s) => round(s.p50StartedMs)),
      serviceFirstAndLastSpawnCallMs: service.map((s) => s.spawnCallsMs),
      serviceRssBeforeBurstMiB: service.map((s) => round(s.spawnerRssMiB ?? Number.NaN)),
      baselineRssAtBurstMiB: baseline.map((s) => round(s.spawnerRssMiB ?? Number.NaN)),
    },
  };
}

async function serviceSample(jobs: number): Promise<Sample> {
  const folder = await makeBenchFolder('burst');
  let service: ServiceProcess | undefined;
  try {
    const spawnAt = Date.now();
    const at = (Math.ceil(spawnAt / 1000) + START_MARGIN_S) * 1000;
    const d = new Date(at);
    const cron = `TZ=UTC ${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} *`;
    for (let i = 0; i < jobs; i++)
      writeJobFolder(folder.jobs, `burst-${String(i).padStart(4, '0')}`, cron, stampBody(`${folder.out}/$PYCRON_JOB`));
    service = new ServiceProcess(folder.config);
    await sleep(at - 300 - Date.now());
    const spawnerRssMiB = rssMiB(service.pid);
    const sample = await collect(folder, jobs, at);
    await service.stop();
    const begun = readFileSync(join(folder.logs, 'job_status.log'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => Date.parse((JSON.parse(line) as { begun_at: string }).begun_at) - at);
    return { ...sample, spawnerRssMiB, spawnCallsMs: [Math.min(...begun), Math.max(...begun)] };
  } finally {
    await service?.stop();
    await folder.remove();
  }
}

async function baselineSample(jobs: number): Promise<Sample> {
  const folder = await makeBenchFolder('burst-baseline');
  try {
    const list = [];
    for (let i = 0; i < jobs; i++) {
      const name = `burst-${String(i).padStart(4, '0')}`;
      const dir = writeJobFolder(folder.jobs, name, 'unused', stampBody(`${folder.out}/$PYCRON_JOB`));
      list.push({ command: join(dir, 'run.sh'), cwd: dir, name });
    }
    const at = (Math.ceil(Date.now() / 1000) + 2) * 1000;
    const report = runBaseline('timer-spawn', { instants: [at], jobs: list });
    const sample = await collect(folder, jobs, at);
    const { rssMiB: spawnerRssMiB } = (await report) as { rssMiB: number };
    return { ...sample, spawnerRssMiB };
  } finally {
    await folder.remove();
  }
}

/** Waits for all `jobs` stamp files and checks that each was fired for the instant `at`. */
async function collect(folder: BenchFolder, jobs: number, at: number): Promise<Sample> {
  const deadline = at + 60_000;
  while (readdirSync(folder.out).length < jobs) {
    if (Date.now() > deadline)
      throw new Error(`only ${readdirSync(folder.out).length} of ${jobs} jobs began within 60 s of the instant`);
    await sleep(200);
  }
  await sleep(100); // the last files may be created but not yet written
  const starts: number[] = [];
  for (const name of readdirSync(folder.out)) {
    const [stamp] = readStamps(readFileSync(join(folder.out, name), 'utf8'));
    if (!stamp) throw new Error(`job ${name} left an empty stamp file`);
    if (stamp.scheduledAt !== at)
      throw new Error(
        `job ${name} ran for ${new Date(stamp.scheduledAt).toISOString()}, not the burst instant ${new Date(at).toISOString()}`,
      );
    starts.push(stamp.startedAt - at);
  }
  rmSync(folder.out, { recursive: true });
  mkdirSync(folder.out);
  return { allStartedMs: Math.max(...starts), p50StartedMs: median(starts) };
}
