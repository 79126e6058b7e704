// Test helper: a temporary jobs folder written from a { relative path: content } table.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scanJobsFolder, type ScanOptions, type ScanResult } from '../../src/jobs/scan-jobs-folder.ts';

export interface TreeFile {
  text: string;
  mode: number;
}

/** Content for an executable file. */
export function exec(text = '#!/bin/sh\necho hi\n'): TreeFile {
  return { text, mode: 0o755 };
}

/** A temporary folder (`root`) holding `jobs/`, removed by `cleanup()`. */
export async function makeTempJobs(): Promise<{ root: string; jobs: string; cleanup(): Promise<void> }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pycron-'));
  const jobs = path.join(root, 'jobs');
  await fs.mkdir(jobs);
  return { root, jobs, cleanup: () => fs.rm(root, { recursive: true, force: true }) };
}

/** Writes each file (a path ending in '/' makes an empty folder); plain strings are non-executable files. */
export async function writeTree(root: string, files: Record<string, string | TreeFile>): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative);
    if (relative.endsWith('/')) {
      await fs.mkdir(target, { recursive: true });
      continue;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    const file = typeof content === 'string' ? { text: content, mode: 0o644 } : content;
    await fs.writeFile(target, file.text);
    await fs.chmod(target, file.mode);
  }
}

/** Writes `files` into a fresh jobs folder, scans it and removes it; `J` is where it was (for expected paths). */
export async function scanTree(
  files: Record<string, string | TreeFile>,
  opts: Partial<ScanOptions> = {},
): Promise<ScanResult & { J: string }> {
  const temp = await makeTempJobs();
  try {
    await writeTree(temp.jobs, files);
    return { ...(await scanJobsFolder(temp.jobs, { timezone: 'UTC', ...opts })), J: temp.jobs };
  } finally {
    await temp.cleanup();
  }
}
