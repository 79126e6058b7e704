// Summary statistics for benchmark samples: nearest-rank percentiles, so a p99 is always a measured sample.

/** The nearest-rank percentile `p` (0-100) of `samples`; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Rounds for reports: 2 decimals below 10, 1 below 100, integers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const abs = Math.abs(value);
  const digits = abs < 10 ? 2 : abs < 100 ? 1 : 0;
  return Number(value.toFixed(digits));
}

/** p50, p90, p99, min, max of `samples`, rounded, with the count. */
export function describeSamples(samples: readonly number[]): {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
} {
  return {
    count: samples.length,
    p50: round(percentile(samples, 50)),
    p90: round(percentile(samples, 90)),
    p99: round(percentile(samples, 99)),
    // NOTE: not Math.min(...samples): spreading 100,000 samples as arguments overflows the stack.
    min: round(samples.reduce((min, x) => Math.min(min, x), Infinity)),
    max: round(samples.reduce((max, x) => Math.max(max, x), -Infinity)),
  };
}
