// A throw-away pycron installation for one benchmark: config.ini, jobs/, logs/, state.json and an out/ folder
// (outside jobs/, so that what jobs write never wakes the jobs-folder watcher).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchFolder {
  root: string;
  config: string;
  jobs: string;
  logs: string;
  state: string;
  out: string;
  /** Removes the whole folder. */
  remove(): Promise<void>;
}

export async function makeBenchFolder(
  name: string,
  options: { logLevel?: string; extraConfig?: string[] } = {},
): Promise<BenchFolder> {
  const root = await mkdtemp(join(tmpdir(), `pycron-bench-${name}-`));
  const folder: BenchFolder = {
    root,
    config: join(root, 'config.ini'),
    jobs: join(root, 'jobs'),
    logs: join(root, 'logs'),
    state: join(root, 'state.json'),
    out: join(root, 'out'),
    remove: () => rm(root, { recursive: true, force: true, maxRetries: 3 }),
  };
  mkdirSync(folder.jobs);
  mkdirSync(folder.out);
  writeFileSync(
    folder.config,
    [
      '[Timings]',
      'SHUTDOWN_GRACE_SECONDS = 5',
      'KILL_GRACE_SECONDS = 1',
      '[Folders]',
      'JOBS_FOLDER = jobs',
      'LOGS_FOLDER = logs',
      'PERSISTENCE_FILE = state.json',
      '[Logging]',
      `LOG_LEVEL = ${options.logLevel ?? 'WARNING'}`,
      ...(options.extraConfig ?? []),
      '',
    ].join('\n'),
  );
  return folder;
}

/** Writes an executable `#!/bin/sh` script. */
export function writeScript(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** Writes `jobs/NAME/` (or `parent/NAME/`) with a `schedule` file and an executable `run.sh`. */
export function writeJobFolder(parent: string, name: string, schedule: string, body: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeScript(join(dir, 'run.sh'), body);
  writeFileSync(join(dir, 'schedule'), `${schedule}\n`);
  return dir;
}

/**
 * The body of a job whose first instruction reads the wall clock: one line `EPOCH_NS SCHEDULED_AT` appended
 * to `file` (the shell expands PYCRON_SCHEDULED_AT into date's format before date runs).
 */
export function stampBody(file: string): string {
  return `date "+%s%N $PYCRON_SCHEDULED_AT" >> "${file}"`;
}

/** Parses the lines written by `stampBody`: first-instruction time and scheduled instant, both in ms. */
export function readStamps(text: string): { startedAt: number; scheduledAt: number }[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [ns, iso] = line.split(' ');
      return { startedAt: Number(BigInt(ns ?? '0') / 1000n) / 1000, scheduledAt: Date.parse(iso ?? '') };
    });
}
