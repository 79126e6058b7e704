// One histogram of one job: a count per bucket (each value counted once, in the first bucket whose upper bound it
// does not exceed), the sum and the count, as prom-client keeps them; the text shows the buckets cumulated.
export class BucketCounts {
  /** Upper bounds, ascending; values above the last one are only in +Inf (the count). */
  readonly bounds: readonly number[];
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    const bucket = this.bounds.findIndex((bound) => value <= bound);
    if (bucket >= 0) this.counts[bucket]! += 1;
    this.sum += value;
    this.count += 1;
  }
}
