// idle: 10,000 job folders, none due: the service's CPU time and wake-ups over an idle window, its time to
// ready and its RSS, next to an idle `node -e 'setInterval(...)'` process over the same window.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions, BenchResult } from './bench-result.ts';
import { sleep } from './bench-result.ts';
import { makeBenchFolder, writeScript } from './bench-folder.ts';
import { contextSwitches, cpuSeconds, rssMiB, switchesByThread, type ContextSwitches } from './proc-stats.ts';
import { ServiceProcess } from './service-process.ts';
import { median, round } from './stats.ts';

const JOBS = 10_000;
/** Never due in the window (03:00 on January 1st, in the host's zone). */
const SCHEDULE = '0 3 1 1 *';

export async function idle(options: BenchOptions): Promise<BenchResult> {
  const windowS = options.quick ? 30 : 60;
  const starts = options.quick ? 1 : 3;
  const folder = await makeBenchFolder('idle', { logLevel: 'INFO' });
  let service: ServiceProcess | undefined;
  let baseline: IdleNode | undefined;
  try {
    options.log(`idle: writing ${JOBS} job folders, ${starts} start(s) to ready, then a ${windowS} s idle window`);
    for (let i = 0; i < JOBS; i++) {
      const dir = join(folder.jobs, `idle-${String(i).padStart(5, '0')}`);
      mkdirSync(dir);
      writeScript(join(dir, 'run.sh'), 'true');
      writeFileSync(join(dir, 'schedule'), `${SCHEDULE}\n`);
    }

    const readyMs: number[] = [];
    const scanMs: number[] = [];
    for (let i = 0; i < starts; i++) {
      await service?.stop();
      // The baseline starts with the last service start, so both are measured over the same window.
      if (i === starts - 1) baseline = startIdleNode();
      service = new ServiceProcess(folder.config);
      const ready = await service.waitForLine(/pycron ready/, 60_000);
      readyMs.push(ready.receivedAt - service.spawnedAt);
      scanMs.push(Number(/ in (\d+) ms/.exec(ready.text)?.[1] ?? Number.NaN));
      if (!new RegExp(`ready: ${JOBS} job`).test(ready.text))
        throw new Error(`the service did not load ${JOBS} jobs: ${ready.text}`);
    }
    const pid = service!.pid;
    const basePid = baseline!.child.pid!;
    const baseReadyMs = await baseline!.readyMs;

    const cpuAtReady = cpuSeconds(pid);
    const before = {
      cpu: cpuAtReady,
      ctx: contextSwitches(pid),
      baseCpu: cpuSeconds(basePid),
      baseCtx: contextSwitches(basePid),
    };
    const cpuBySlice: number[] = [];
    const wakeupsBySlice: number[] = [];
    const rssBySlice: number[] = [];
    let last = cpuAtReady;
    let lastSwitches = before.ctx.allThreads;
    const windowStart = Date.now();
    for (let s = 1; s <= windowS; s++) {
      await sleep(windowStart + s * 1000 - Date.now());
      if (s % 10 === 0 || s === windowS) {
        const now = cpuSeconds(pid);
        cpuBySlice.push(round(now - last));
        last = now;
        const switches = contextSwitches(pid).allThreads;
        wakeupsBySlice.push(round((switches - lastSwitches) / 10));
        lastSwitches = switches;
        rssBySlice.push(round(rssMiB(pid)));
      }
    }
    const elapsedS = (Date.now() - windowStart) / 1000;
    const after = {
      cpu: cpuSeconds(pid),
      ctx: contextSwitches(pid),
      baseCpu: cpuSeconds(basePid),
      baseCtx: contextSwitches(basePid),
    };
    const rss = rssMiB(pid);
    const baseRss = rssMiB(basePid);
    const newLines = service!.lines.filter((l) => l.receivedAt >= windowStart).map((l) => l.text);

    const cpu = round(after.cpu - before.cpu);
    const baseCpu = round(after.baseCpu - before.baseCpu);
    const wakeups = rate(before.ctx, after.ctx, elapsedS);
    const baseWakeups = rate(before.baseCtx, after.baseCtx, elapsedS);
    const ready = round(median(readyMs) / 1000);
    return {
      name: 'idle',
      rows: [
        {
          measurement: `idle: CPU over ${windowS} s, ${JOBS} jobs`,
          figure: cpu,
          unit: 's',
          baseline: baseCpu,
          baselineLabel: 'idle node -e setInterval',
          target: '≤ 0.5 s',
          met: cpu <= 0.5,
          pycron: 'PyCron 1,000 jobs: 7.5 s/min',
        },
        {
          measurement: 'idle: wake-ups (all threads)',
          figure: wakeups.all,
          unit: '/s',
          baseline: baseWakeups.all,
          baselineLabel: 'idle node -e setInterval',
          target: '≤ 1 /s',
          met: wakeups.all <= 1,
          pycron: '—',
        },
        {
          measurement: `idle: ready after start, ${JOBS} jobs`,
          figure: ready,
          unit: 's',
          baseline: round(baseReadyMs / 1000),
          baselineLabel: 'bare node to first output',
          target: '≤ 3 s',
          met: ready <= 3,
          pycron: '—',
        },
        {
          measurement: `idle: RSS, ${JOBS} jobs`,
          figure: round(rss),
          unit: 'MiB',
          baseline: round(baseRss),
          baselineLabel: 'idle node -e setInterval',
          target: '≤ 200 MiB',
          met: rss <= 200,
          pycron: '—',
        },
      ],
      details: {
        method: `${JOBS} job folders with schedule '${SCHEDULE}'; the service runs at LOG_LEVEL INFO (it logs nothing while idle). CPU = utime+stime of /proc/PID/stat (all threads) over the window starting at the 'pycron ready' line; wake-ups = voluntary + involuntary context switches summed over /proc/PID/task/*/status (every thread: V8 and libuv worker threads wake too), per second of the window; ready = spawn of \`node bin/pycron.js\` (tsx compiles the sources) to the ready line, median of ${starts} starts; RSS = VmRSS at the end of the window. Baseline: \`node -e 'setInterval(()=>{},1e9)'\` started with the last service start, measured over the same window.`,
        windowS: round(elapsedS),
        cpuAtReadyS: round(cpuAtReady),
        cpuPer10sSliceS: cpuBySlice,
        wakeupsPerSBy10sSlice: wakeupsBySlice,
        rssMiBAtEndOf10sSlice: rssBySlice,
        wakeupsPerS: wakeups,
        baselineWakeupsPerS: baseWakeups,
        threads: after.ctx.threads,
        wakeupsByThread: switchesByThread(before.ctx, after.ctx, elapsedS),
        baselineWakeupsByThread: switchesByThread(before.baseCtx, after.baseCtx, elapsedS),
        readyMs: readyMs.map(round),
        scanToReadyMs: scanMs,
        baselineCpuS: baseCpu,
        baselineRssMiB: round(baseRss),
        serviceLogLinesDuringWindow: newLines.slice(0, 20),
      },
    };
  } finally {
    baseline?.child.kill('SIGKILL');
    await service?.stop();
    await folder.remove();
  }
}

function rate(before: ContextSwitches, after: ContextSwitches, seconds: number): { all: number; mainThread: number } {
  return {
    all: round((after.allThreads - before.allThreads) / seconds),
    mainThread: round((after.mainThread - before.mainThread) / seconds),
  };
}

interface IdleNode {
  child: ChildProcess;
  /** Spawn to its first output. */
  readyMs: Promise<number>;
}

function startIdleNode(): IdleNode {
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, ['-e', "process.stderr.write('ready\\n'); setInterval(() => {}, 1e9)"], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const readyMs = new Promise<number>((resolve) => child.stderr!.once('data', () => resolve(Date.now() - spawnedAt)));
  return { child, readyMs };
}
