// `pycron list`: every job with its schedule in words, next run and last result (from the state file, read only).
import { readFile } from 'node:fs/promises';
import type { JobSpec } from '../jobs/job-spec.ts';
import { loadJobs } from './load-jobs.ts';
import { nextSlot } from '../scheduler/next-slot.ts';
import { describeRhythm } from './describe-rhythm.ts';
import { emptyState, type ServiceState } from '../state/job-state.ts';
import { parseStateFile } from '../state/state-file-schema.ts';
import { formatInstant, zoneOf } from './format-instant.ts';
import { loadSettingsOrExit, type CommonArgs } from './load-context.ts';

export interface JobListing {
  name: string;
  layout: JobSpec['layout'];
  enabled: boolean;
  schedule: string;
  timezone: string;
  next_run: string | null;
  last_result: { ok: boolean; exit_code: number | null; ended_at: string } | null;
  failures: number;
}

/** Reads the state without moving a broken file aside: that is the service's call, not a listing's. */
export async function readStateQuietly(file: string): Promise<ServiceState> {
  try {
    const parsed = parseStateFile(await readFile(file, 'utf8'));
    return 'state' in parsed ? parsed.state : emptyState();
  } catch {
    return emptyState();
  }
}

export async function listCommand(args: CommonArgs & { json?: boolean }): Promise<number> {
  const { settings } = loadSettingsOrExit(args);
  const [scan, state] = await Promise.all([loadJobs(settings), readStateQuietly(settings.stateFile)]);
  const now = Date.now();
  const listings: JobListing[] = scan.jobs
    .map((job) => {
      const jobState = state.jobs[job.name];
      let next = job.enabled ? nextSlot(job, Math.max(now, jobState?.lastSlotAt ?? now)) : undefined;
      if (jobState?.retryAt !== undefined && (next === undefined || jobState.retryAt < next)) next = jobState.retryAt;
      if (jobState?.periodDueAt !== undefined && (next === undefined || jobState.periodDueAt < next))
        next = jobState.periodDueAt;
      const last = jobState?.lastRun;
      return {
        name: job.name,
        layout: job.layout,
        enabled: job.enabled,
        schedule: describeRhythm(job),
        timezone: zoneOf(job),
        next_run: next === undefined ? null : new Date(next).toISOString(),
        last_result: last
          ? { ok: last.ok, exit_code: last.exitCode, ended_at: new Date(last.endedAt).toISOString() }
          : null,
        failures: jobState?.failures ?? 0,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));

  if (args.json) {
    process.stdout.write(`${JSON.stringify(listings, null, 2)}\n`);
    return 0;
  }
  const rows = listings.map((l) => [
    l.name,
    l.enabled ? l.schedule : `${l.schedule} (disabled)`,
    l.next_run ? formatInstant(Date.parse(l.next_run), l.timezone) : '-',
    l.last_result
      ? `${l.last_result.ok ? 'ok' : `failed (${l.last_result.exit_code ?? 'no exit code'})`} ${formatInstant(Date.parse(l.last_result.ended_at), l.timezone)}`
      : 'never ran',
  ]);
  printTable(['JOB', 'SCHEDULE', 'NEXT RUN', 'LAST RESULT'], rows);
  const invalid = scan.diagnostics.filter((d) => d.severity === 'error').length;
  if (invalid > 0) process.stdout.write(`\n${invalid} job folder problem(s): run 'pycron validate' for details\n`);
  return 0;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  process.stdout.write(`${line(header)}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
  if (rows.length === 0) process.stdout.write('(no jobs)\n');
}
