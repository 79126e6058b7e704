// The shape every benchmark returns: rows for the summary table plus the details written to its JSON file.

export interface SummaryRow {
  measurement: string;
  figure: number;
  unit: string;
  /** The same quantity for the baseline, measured in the same run; null where there is no meaningful one. */
  baseline: number | null;
  /** What the baseline is, in a few words. */
  baselineLabel: string;
  /** The target as text (e.g. "≤ 5 ms") and whether the figure meets it. */
  target: string;
  met: boolean;
  /** PyCron's figure from issue 3, for context. */
  pycron: string;
}

export interface BenchResult {
  name: string;
  rows: SummaryRow[];
  details: Record<string, unknown>;
}

export interface BenchOptions {
  quick: boolean;
  /** Progress lines for the console. */
  log: (message: string) => void;
}

export type Benchmark = (options: BenchOptions) => Promise<BenchResult>;

/** Sleeps `ms` (benchmarks wait for real time to pass; schedule logic itself is never tested this way). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
