// The pycron_* part of GET /metrics as Prometheus text (format 0.0.4), written from plain per-job numbers. It gives
// the event loop back every few milliseconds, so that a scrape of 10,000 jobs never holds up a due timer for long.
import type { JobFamily } from './job-families.ts';
import { JOB_FAMILIES } from './job-families.ts';
import type { JobSeries } from './job-series.ts';

/** How long a render keeps the event loop before it lets timers and I/O run (checked every 64 jobs). */
const MAX_RENDER_SLICE_MS = 5;

export interface ExpositionInput {
  jobs: number;
  invalidJobFolders: number;
  /** Every job's series, in the order the text lists them. */
  series: readonly JobSeries[];
  /** Default MAX_RENDER_SLICE_MS; tests set 0 to give the loop back at every check. */
  maxSliceMs?: number;
}

/** The families joined by blank lines, without the final newline; HELP and TYPE for each, as prom-client writes. */
export async function renderExposition(input: ExpositionInput): Promise<string> {
  const maxSliceMs = input.maxSliceMs ?? MAX_RENDER_SLICE_MS;
  // Blocks of lines, each after its separator, joined once at the end: joining each family first would copy the
  // megabytes of text of 10,000 jobs twice, each time in one go.
  const pieces = [
    `${head('pycron_jobs', 'Jobs known to the service.', 'gauge')}\npycron_jobs ${input.jobs}`,
    '\n\n',
    head(
      'pycron_invalid_job_folders',
      'Entries of the jobs folder that could not be loaded (see pycron validate).',
      'gauge',
    ),
    `\npycron_invalid_job_folders ${input.invalidJobFolders}`,
  ];
  let sliceStart = performance.now();
  for (const family of JOB_FAMILIES) {
    pieces.push('\n\n', head(family.name, family.help, family.type));
    let lines: string[] = [];
    const flush = (): void => {
      if (lines.length > 0) pieces.push('\n', lines.join('\n'));
      lines = [];
    };
    for (let i = 0; i < input.series.length; i++) {
      family.write(input.series[i]!, lines);
      // The clock is read every 64 jobs only, so that checking costs little next to writing the lines.
      if ((i & 63) === 63 && performance.now() - sliceStart >= maxSliceMs) {
        flush();
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    flush();
  }
  return pieces.join('');
}

/** The HELP and TYPE lines of a family. */
function head(name: string, help: string, type: JobFamily['type']): string {
  // Help texts are ours and hold no backslash or newline, so they need no escaping.
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}`;
}
