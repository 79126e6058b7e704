// `pycron runs` as a table: start time in the job's zone, job, result, duration, run id, and why the run happened.
// Column widths are fixed before the first line (from the runs known then), so lines printed later by --follow
// line up with the earlier ones; the reason, of any length, comes last.
import type { IndexedRun } from '../history/indexed-run.ts';
import { formatDuration } from './format-duration.ts';
import { formatInstant } from './format-instant.ts';
import { paint, type Tone } from './paint.ts';

const COLUMNS = ['STARTED', 'JOB', 'RESULT', 'DURATION', 'RUN ID', 'REASON'] as const;
const JOB_COLUMN = 1;
/** Room before any run is seen for an instant with its offset, `failed (exit 127)`, `59m 59s` and a UUID. */
const MIN_WIDTHS = [26, 0, 17, 8, 36, 0];

export interface RunsTableOptions {
  /** The zone a job's times are shown in (its schedule's, or the local zone for a job no longer loaded). */
  zoneOf: (job: string) => string;
  colour: boolean;
}

export class RunsTable {
  private readonly widths: number[] = COLUMNS.map((name, i) => Math.max(name.length, MIN_WIDTHS[i] ?? 0));

  constructor(private readonly options: RunsTableOptions) {}

  /** Widens the columns to fit these runs, and the job column to these names; call it before the header. */
  fit(runs: readonly IndexedRun[], jobNames: readonly string[] = []): void {
    for (const run of runs)
      this.cells(run).forEach((cell, i) => (this.widths[i] = Math.max(this.widths[i] ?? 0, [...cell.text].length)));
    for (const name of jobNames) this.widths[JOB_COLUMN] = Math.max(this.widths[JOB_COLUMN] ?? 0, [...name].length);
  }

  header(): string {
    return this.join(COLUMNS.map((text) => ({ text, tone: 'bold' as const })));
  }

  line(run: IndexedRun): string {
    return this.join(this.cells(run));
  }

  private join(cells: { text: string; tone?: Tone }[]): string {
    return cells
      .map(({ text, tone }, i) => {
        const padding = i === cells.length - 1 ? 0 : Math.max(0, (this.widths[i] ?? 0) - [...text].length);
        return paint(text + ' '.repeat(padding), tone, this.options.colour);
      })
      .join('  ')
      .trimEnd();
  }

  private cells(run: IndexedRun): { text: string; tone?: Tone }[] {
    const started = Number.isNaN(run.begunAt) ? run.endedAt : run.begunAt;
    return [
      { text: formatInstant(started, this.options.zoneOf(run.job)) },
      { text: run.job },
      resultOf(run),
      { text: formatDuration(run.durationMs) },
      { text: run.runId },
      // A reason is one line in a table, whatever a record holds.
      { text: run.reasonForRun.replace(/\s+/g, ' ') },
    ];
  }
}

/** ok; failed with its exit code or signal (none if it never started); timed out with how it was stopped. */
function resultOf(run: IndexedRun): { text: string; tone: Tone } {
  if (run.ok) return { text: 'ok', tone: 'green' };
  const how = run.signal ?? (run.statusCode !== null ? `exit ${run.statusCode}` : undefined);
  if (run.timedOut) return { text: how ? `timed out (${how})` : 'timed out', tone: 'yellow' };
  return { text: `failed (${how ?? 'no exit code'})`, tone: 'red' };
}
