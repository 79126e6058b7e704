// Proc specs and a fake spawner for the supervisor's tests: the fake's runs end only when a test says so.
import { defaultJobOptions, type JobOptions } from '../../src/jobs/job-options.ts';
import type { JobSpec } from '../../src/jobs/job-spec.ts';
import type { RunResult } from '../../src/runner/run-result.ts';
import type { RunningJob, SpawnJobOptions, StopReason } from '../../src/runner/spawn-job.ts';

/** A proc running `script` with /bin/sh in `folder`. */
export function procSpec(
  name: string,
  folder: string,
  script: string,
  options: Partial<JobOptions> = {},
  overrides: Partial<JobSpec> = {},
): JobSpec {
  return {
    name,
    layout: 'folder',
    folder,
    file: `${folder}/job.ini`,
    command: { kind: 'shell', script },
    schedules: [],
    scheduleArgs: [],
    timezone: 'UTC',
    timeoutMs: 1_000, // procs ignore timeouts: the supervisor must not pass this on
    enabled: true,
    options: { ...defaultJobOptions(folder, name), type: 'proc', idleMs: 100, ...options },
    fingerprint: `${name}:${script}`,
    ...overrides,
  };
}

export interface FakeRun {
  options: SpawnJobOptions;
  pid: number;
  stops: StopReason[];
  signals: NodeJS.Signals[];
  /** Ends the run as if the process exited. */
  exit(code: number | null, signal?: NodeJS.Signals | null): void;
}

/** A spawnJob twin on a given clock: each run gets pid 1000, 1001, ...; stop() ends it with SIGTERM. */
export class FakeSpawner {
  readonly runs: FakeRun[] = [];
  private nextPid = 1000;

  constructor(private readonly now: () => number) {}

  spawn = (options: SpawnJobOptions): RunningJob => {
    const startedAt = this.now();
    const pid = this.nextPid++;
    let resolve!: (result: RunResult) => void;
    const result = new Promise<RunResult>((r) => (resolve = r));
    let ended = false;
    const end = (exitCode: number | null, signal: NodeJS.Signals | null = null): void => {
      if (ended) return;
      ended = true;
      const endedAt = this.now();
      resolve({
        runId: options.runId,
        job: options.job,
        exitCode,
        signal,
        timedOut: false,
        forcefullyTerminated: false,
        error: null,
        pid,
        startedAt,
        endedAt,
        durationMs: endedAt - startedAt,
        stdout: '',
        stderr: '',
        outputTruncated: false,
        errorTruncated: false,
      });
    };
    const run: FakeRun = { options, pid, stops: [], signals: [], exit: end };
    this.runs.push(run);
    return {
      pid,
      result,
      stop: async (reason) => {
        run.stops.push(reason);
        end(null, 'SIGTERM');
        await result;
      },
      signal: (signal) => {
        if (ended) return false;
        run.signals.push(signal);
        return true;
      },
    };
  };

  get last(): FakeRun {
    const run = this.runs.at(-1);
    if (!run) throw new Error('nothing was spawned');
    return run;
  }
}

/** Lets promise callbacks (the supervisor's queue, a result's then) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
