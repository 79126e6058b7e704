// A fixed-size block of the history's slots: its columns and its run id table. The index grows by whole segments
// and frees a segment once all its slots are dropped, so nothing is ever copied or rehashed as it grows or shrinks.
import { allocateColumns, FLAG, type Columns } from './entry-columns.ts';
import { RunIdTable } from './run-id-table.ts';

/** Slots per segment: about 2 MiB each; a small installation holds one or two. */
export const SEGMENT_SLOTS = 16_384;

export class IndexSegment {
  readonly columns: Columns = allocateColumns(SEGMENT_SLOTS);
  readonly ids = new RunIdTable(SEGMENT_SLOTS);
  /** Slots used. */
  count = 0;
  /** Slots used and not dropped. */
  live = 0;
  /** The smallest endedAt of its slots: retention skips a segment with nothing old enough to drop. */
  minEndedAt = Number.POSITIVE_INFINITY;

  get full(): boolean {
    return this.count === SEGMENT_SLOTS;
  }

  isDropped(index: number): boolean {
    return (this.columns.flags[index]! & FLAG.dropped) !== 0;
  }
}
