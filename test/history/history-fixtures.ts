// Status records and logs folders for the history tests: records built by the real buildStatusRecord, written by
// the real StatusLog (a clock decides their day) or appended by hand where a test needs a torn or foreign line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StatusLog } from '../../src/statuslog/status-log.ts';
import { buildStatusRecord, type StatusRecord } from '../../src/statuslog/status-record.ts';

/** An instant from local calendar fields, so that a test means the same local day under any TZ. */
export const local = (y: number, mo: number, d: number, h = 12, mi = 0, s = 0): number =>
  new Date(y, mo - 1, d, h, mi, s).getTime();

export async function withLogsFolder(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'pycron-'));
  try {
    await fn(dir);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

export interface RecordSpec {
  job: string;
  endedAt: number;
  runId?: string;
  exitCode?: number | null;
  timedOut?: boolean;
  signal?: string | null;
  stdout?: string;
  stderr?: string;
  durationMs?: number;
  reason?: string;
}

let counter = 0;

/** A run id in the canonical UUID form pycron makes, counting up so that tests can tell runs apart. */
export function runIdFor(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export function makeRecord(spec: RecordSpec): StatusRecord {
  const durationMs = spec.durationMs ?? 1500;
  const timedOut = spec.timedOut ?? false;
  return buildStatusRecord({
    job: { name: spec.job, file: `/srv/jobs/${spec.job}/run.sh` },
    result: {
      runId: spec.runId ?? runIdFor(++counter),
      job: spec.job,
      exitCode: spec.exitCode === undefined ? (timedOut ? null : 0) : spec.exitCode,
      signal: spec.signal ?? (timedOut ? 'SIGTERM' : null),
      timedOut,
      forcefullyTerminated: false,
      error: null,
      pid: 4242,
      startedAt: spec.endedAt - durationMs,
      endedAt: spec.endedAt,
      durationMs,
      stdout: spec.stdout ?? `${spec.job} output\n`,
      stderr: spec.stderr ?? '',
      outputTruncated: false,
      errorTruncated: false,
    },
    scheduledAt: spec.endedAt - durationMs,
    reasonForRun: spec.reason ?? 'schedule',
    failedAttempts: 1,
    nextRun: spec.endedAt + 60_000,
    host: 'test-host',
  });
}

/** Writes `records` with the real StatusLog, each on the day its ended_at falls on (local time). */
export async function writeWithStatusLog(dir: string, records: StatusRecord[], retentionDays = 0): Promise<void> {
  let now = records[0] ? Date.parse(records[0].ended_at) : Date.now();
  const log = await StatusLog.open({ logsFolder: dir, retentionDays, now: () => now });
  for (const record of records) {
    now = Date.parse(record.ended_at);
    log.write(record);
  }
  await log.close();
}

export function dayFile(dir: string, y: number, mo: number, d: number): string {
  return path.join(dir, `job_status-${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}.log`);
}
