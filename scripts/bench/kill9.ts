// kill9: `kill -9` of the service at random moments while an every-1s job (0.5 s long) runs; after each kill
// the state file must still parse. Baseline: a naive writer (in-place rewrite, piece by piece, in a loop) killed the same way.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions, BenchResult } from './bench-result.ts';
import { sleep } from './bench-result.ts';
import { makeBenchFolder, writeJobFolder } from './bench-folder.ts';
import { ServiceProcess } from './service-process.ts';
import { describeSamples } from './stats.ts';

type Check = 'ok' | 'missing' | 'unreadable';

function checkStateFile(file: string): { check: Check; inFlight: boolean } {
  if (!existsSync(file)) return { check: 'missing', inFlight: false };
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as { jobs?: Record<string, { inFlight?: unknown }> };
    return { check: 'ok', inFlight: Object.values(state.jobs ?? {}).some((job) => job.inFlight !== undefined) };
  } catch {
    return { check: 'unreadable', inFlight: false };
  }
}

export async function kill9(options: BenchOptions): Promise<BenchResult> {
  const kills = options.quick ? 20 : 100;
  const folder = await makeBenchFolder('kill9', { logLevel: 'INFO' });
  let service: ServiceProcess | undefined;
  try {
    writeJobFolder(folder.jobs, 'work', 'every 1s', 'sleep 0.5');
    options.log(`kill9: ${kills} kill -9 of the service at random moments, each after its ready line`);
    const checks: Check[] = [];
    const readyMs: number[] = [];
    let withRunInFlight = 0;
    let setAside = 0;
    for (let i = 0; i < kills; i++) {
      service = new ServiceProcess(folder.config);
      const ready = await service.waitForLine(/pycron ready/, 30_000);
      readyMs.push(ready.receivedAt - service.spawnedAt);
      if (service.lines.some((l) => /state file/i.test(l.text) && /WARN|ERROR/.test(l.text))) setAside++;
      await sleep(Math.random() * 1000);
      await service.kill9();
      const { check, inFlight } = checkStateFile(folder.state);
      // Before the first save there is no file yet; after it, a missing file is as bad as a torn one.
      checks.push(check === 'missing' && checks.some((c) => c !== 'missing') ? 'unreadable' : check);
      if (inFlight) withRunInFlight++;
    }
    // One last clean start and stop: it adopts the run left in flight and must find a readable state.
    service = new ServiceProcess(folder.config);
    await service.waitForLine(/pycron ready/, 30_000);
    await sleep(1500);
    await service.stop();
    const finalCheck = checkStateFile(folder.state).check;
    const leftovers = readdirSync(folder.root).filter((name) => name.includes('.tmp') || name.includes('.corrupt'));
    const corrupt = leftovers.filter((name) => name.includes('.corrupt')).length;

    const baseline = await naiveWriterKills(folder.root, kills);
    const unreadable = checks.filter((c) => c === 'unreadable').length + corrupt;
    return {
      name: 'kill9',
      rows: [
        {
          measurement: `kill9: unreadable state files after ${kills} kill -9`,
          figure: unreadable,
          unit: `of ${kills}`,
          baseline,
          baselineLabel: 'in-place piecewise rewrite, killed alike',
          target: '0',
          met: unreadable === 0,
          pycron: 'PyCron 4 of 30',
        },
      ],
      details: {
        method: `one every-1s job running 'sleep 0.5'; ${kills} times: start the service (LOG_LEVEL INFO), wait for 'pycron ready', wait a random 0-1000 ms, SIGKILL, then JSON.parse the state file. A state file set aside by a restart (*.corrupt-*) also counts. Baseline: a bare Node process rewriting a 200-job state file in place in a loop, one write() per job entry as a streaming serializer such as pickle.dump does, SIGKILLed ${kills} times at a random 0-100 ms after its first write.`,
        kills,
        checks: {
          ok: checks.filter((c) => c === 'ok').length,
          missingBeforeFirstSave: checks.filter((c) => c === 'missing').length,
          unreadable: checks.filter((c) => c === 'unreadable').length,
        },
        killsWithRunInFlight: withRunInFlight,
        startsWarningAboutStateFile: setAside,
        finalCheckAfterCleanStop: finalCheck,
        leftoverFiles: leftovers,
        readyMs: describeSamples(readyMs),
        baselineUnreadable: baseline,
      },
    };
  } finally {
    await service?.kill9();
    await sleep(600); // the last detached `sleep 0.5` ends on its own
    await folder.remove();
  }
}

// PyCron's way: the state file is truncated and rewritten in place, the serializer writing piece by piece
// (pickle.dump to an open file); here one write per job entry.
const NAIVE_WRITER = `
const fs = require('node:fs');
const jobs = [];
for (let i = 0; i < 200; i++) jobs.push(JSON.stringify({ failures: 0, lastSlotAt: Date.now(), lastRun: { runId: 'run-' + i, ok: true } }));
for (let n = 0; ; n++) {
  const fd = fs.openSync(process.argv[1], 'w');
  fs.writeSync(fd, '{"version":1,"n":' + n + ',"jobs":{');
  jobs.forEach((job, i) => fs.writeSync(fd, (i ? ',' : '') + '"job-' + i + '":' + job));
  fs.writeSync(fd, '}}');
  fs.closeSync(fd);
}
`;

/** How many of `kills` SIGKILLs of the naive writer leave a file that does not parse. */
async function naiveWriterKills(root: string, kills: number): Promise<number> {
  const file = join(root, 'naive-state.json');
  let unreadable = 0;
  for (let i = 0; i < kills; i++) {
    const child = spawn(process.execPath, ['-e', NAIVE_WRITER, file], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const upBy = Date.now() + 10_000;
    while (!existsSync(file) && Date.now() < upBy) await sleep(5);
    await sleep(Math.random() * 100);
    child.kill('SIGKILL');
    await exited;
    if (checkStateFile(file).check !== 'ok') unreadable++;
  }
  return unreadable;
}
