// The placed runs, in the order their lines were read from the status log (the order they were written): slots
// numbered from 0 and never renumbered, stored in segments, and per job the list of its slots, so that "the last N
// runs of X" is O(N). Invariant: a slot's number only grows with its placement; dropped slots stay dropped.
import { FLAG, NO_STATUS_CODE } from './entry-columns.ts';
import { IndexSegment, SEGMENT_SLOTS } from './index-segment.ts';
import type { IndexedRun } from './indexed-run.ts';
import { Interner } from './interner.ts';
import type { RunEntry, RunLocation, RunStatus } from './run-entry.ts';

export interface JobRuns {
  readonly id: number;
  readonly name: string;
  /** Slots of this job's runs, ascending, in [first, length); dropped slots are trimmed from the front. */
  slots: Float64Array;
  first: number;
  length: number;
  ok: number;
  /** Failed runs, timed out ones included. */
  failed: number;
  timedOut: number;
  /** Slot of the newest successful run and of the newest failed run; -1 for none. */
  lastOkSlot: number;
  lastFailedSlot: number;
}

export class RunIndex {
  /** Slots not dropped. */
  live = 0;
  /** The number the next slot gets: every slot is below it. */
  end = 0;
  /** segments[k] holds the slots of segment number baseSegment + k; a freed one is undefined. */
  private segments: (IndexSegment | undefined)[] = [];
  private baseSegment = 0;
  /** The largest endedAt of every slot so far. */
  private maxEndedAtSoFar = Number.NEGATIVE_INFINITY;
  private readonly jobIds = new Map<string, number>();
  private readonly jobList: JobRuns[] = [];
  private readonly reasons = new Interner();
  private readonly signals = new Interner();
  private readonly files = new Interner();

  /** No live slot is below it. */
  get first(): number {
    return this.baseSegment * SEGMENT_SLOTS;
  }

  add(run: IndexedRun, location: RunLocation): number {
    let segment = this.segments.at(-1);
    if (!segment || segment.full) {
      segment = new IndexSegment();
      this.segments.push(segment);
    }
    const slot = this.end++;
    const i = segment.count++;
    const c = segment.columns;
    c.scheduledAt[i] = run.scheduledAt;
    c.begunAt[i] = run.begunAt;
    c.endedAt[i] = run.endedAt;
    this.maxEndedAtSoFar = Math.max(this.maxEndedAtSoFar, run.endedAt);
    c.maxEndedAt[i] = this.maxEndedAtSoFar;
    c.durationMs[i] = run.durationMs;
    c.statusCode[i] = run.statusCode ?? NO_STATUS_CODE;
    c.signal[i] = run.signal === null ? 0 : Math.min(this.signals.idOf(run.signal), 255);
    c.reason[i] = this.reasons.idOf(run.reasonForRun);
    c.flags[i] =
      (run.ok ? FLAG.ok : 0) |
      (run.timedOut ? FLAG.timedOut : 0) |
      (run.forcefullyTerminated ? FLAG.forcefullyTerminated : 0);
    segment.ids.set(i, run.runId);
    segment.live++;
    segment.minEndedAt = Math.min(segment.minEndedAt, run.endedAt);
    this.locate(slot, location);
    const job = this.jobOf(run.job);
    c.job[i] = job.id;
    if (job.length === job.slots.length) job.slots = grown(job.slots, job);
    job.slots[job.length++] = slot;
    this.countRun(job, run.ok, run.timedOut, 1);
    if (run.ok) job.lastOkSlot = slot;
    else job.lastFailedSlot = slot;
    this.live++;
    return slot;
  }

  /** Where the line of `slot` is (set again when a file is read again after being replaced). */
  locate(slot: number, location: RunLocation): void {
    const segment = this.segmentOf(slot)!;
    const i = slot % SEGMENT_SLOTS;
    segment.columns.file[i] = this.files.idOf(location.file);
    segment.columns.offset[i] = location.offset;
    segment.columns.length[i] = location.length;
  }

  /** The live slot of `runId`, or -1: one probe per segment, newest first. */
  slotOf(runId: string): number {
    for (let k = this.segments.length - 1; k >= 0; k--) {
      const segment = this.segments[k];
      const i = segment ? segment.ids.find(runId) : -1;
      if (i >= 0) return segment!.isDropped(i) ? -1 : (this.baseSegment + k) * SEGMENT_SLOTS + i;
    }
    return -1;
  }

  job(name: string): JobRuns | undefined {
    const id = this.jobIds.get(name);
    return id === undefined ? undefined : this.jobList[id];
  }

  get jobNames(): string[] {
    return this.jobList.filter((job) => job.ok + job.failed > 0).map((job) => job.name);
  }

  isDropped(slot: number): boolean {
    const segment = this.segmentOf(slot);
    return segment === undefined || segment.isDropped(slot % SEGMENT_SLOTS);
  }

  endedAt(slot: number): number {
    return this.segmentOf(slot)!.columns.endedAt[slot % SEGMENT_SLOTS]!;
  }

  /**
   * The largest endedAt of `slot` and every slot before it: a newest-first walk for runs since T stops where this
   * is below T. Infinity for a slot whose segment was freed (the walk goes on past it).
   */
  maxEndedAt(slot: number): number {
    return this.segmentOf(slot)?.columns.maxEndedAt[slot % SEGMENT_SLOTS] ?? Number.POSITIVE_INFINITY;
  }

  isOk(slot: number): boolean {
    return (this.flagsOf(slot) & FLAG.ok) !== 0;
  }

  statusAt(slot: number): RunStatus {
    const flags = this.flagsOf(slot);
    if ((flags & FLAG.ok) !== 0) return 'ok';
    return (flags & FLAG.timedOut) !== 0 ? 'timed_out' : 'failed';
  }

  entryAt(slot: number): RunEntry {
    const segment = this.segmentOf(slot)!;
    const i = slot % SEGMENT_SLOTS;
    const c = segment.columns;
    const flags = c.flags[i]!;
    const statusCode = c.statusCode[i]!;
    const signal = c.signal[i]!;
    return {
      runId: segment.ids.idAt(i),
      job: this.jobList[c.job[i]!]!.name,
      status: this.statusAt(slot),
      ok: (flags & FLAG.ok) !== 0,
      statusCode: statusCode === NO_STATUS_CODE ? null : statusCode,
      signal: signal === 0 ? null : this.signals.nameOf(signal),
      timedOut: (flags & FLAG.timedOut) !== 0,
      forcefullyTerminated: (flags & FLAG.forcefullyTerminated) !== 0,
      scheduledAt: orNull(c.scheduledAt[i]!),
      begunAt: orNull(c.begunAt[i]!),
      endedAt: c.endedAt[i]!,
      durationMs: c.durationMs[i]!,
      reasonForRun: this.reasons.nameOf(c.reason[i]!),
      location: { file: this.files.nameOf(c.file[i]!), offset: c.offset[i]!, length: c.length[i]! },
    };
  }

  /** Drops the runs that ended before `ms`; returns how many. Segments left with nothing live are freed. */
  dropEndedBefore(ms: number): number {
    let dropped = 0;
    for (const segment of this.segments) {
      if (!segment || segment.minEndedAt >= ms) continue;
      const { endedAt } = segment.columns;
      for (let i = 0; i < segment.count; i++) {
        if (endedAt[i]! < ms && !segment.isDropped(i)) {
          this.drop(segment, i);
          dropped++;
        }
      }
    }
    this.freeSegments();
    return dropped;
  }

  /** Drops the `n` oldest live runs. */
  dropOldest(n: number): void {
    for (const segment of this.segments) {
      for (let i = 0; segment && i < segment.count && n > 0; i++) {
        if (segment.isDropped(i)) continue;
        this.drop(segment, i);
        n--;
      }
      if (n === 0) break;
    }
    this.freeSegments();
  }

  private drop(segment: IndexSegment, i: number): void {
    const flags = segment.columns.flags[i]!;
    segment.columns.flags[i] = flags | FLAG.dropped;
    segment.live--;
    this.live--;
    const job = this.jobList[segment.columns.job[i]!]!;
    this.countRun(job, (flags & FLAG.ok) !== 0, (flags & FLAG.timedOut) !== 0, -1);
  }

  /** Frees segments with nothing live (not the one being filled) and trims the per-job lists' dropped heads. */
  private freeSegments(): void {
    this.segments.forEach((segment, k) => {
      if (segment?.live === 0 && segment.full) this.segments[k] = undefined;
    });
    let leading = 0;
    while (leading < this.segments.length - 1 && this.segments[leading] === undefined) leading++;
    this.segments.splice(0, leading);
    this.baseSegment += leading;
    for (const job of this.jobList) {
      while (job.first < job.length && this.isDropped(job.slots[job.first]!)) job.first++;
      if (job.first > 16 && job.first * 2 > job.length) {
        job.slots.copyWithin(0, job.first, job.length);
        job.length -= job.first;
        job.first = 0;
      }
    }
  }

  private segmentOf(slot: number): IndexSegment | undefined {
    return this.segments[Math.floor(slot / SEGMENT_SLOTS) - this.baseSegment];
  }

  private flagsOf(slot: number): number {
    return this.segmentOf(slot)?.columns.flags[slot % SEGMENT_SLOTS] ?? FLAG.dropped;
  }

  private countRun(job: JobRuns, ok: boolean, timedOut: boolean, by: 1 | -1): void {
    if (ok) job.ok += by;
    else job.failed += by;
    if (timedOut) job.timedOut += by;
  }

  private jobOf(name: string): JobRuns {
    const id = this.jobIds.get(name);
    if (id !== undefined) return this.jobList[id]!;
    const job: JobRuns = {
      id: this.jobList.length,
      name,
      slots: new Float64Array(8),
      first: 0,
      length: 0,
      ok: 0,
      failed: 0,
      timedOut: 0,
      lastOkSlot: -1,
      lastFailedSlot: -1,
    };
    this.jobIds.set(name, job.id);
    this.jobList.push(job);
    return job;
  }
}

/** The job's live slots in an array with room for as many again (its dropped head left behind). */
function grown(slots: Float64Array, job: JobRuns): Float64Array {
  const live = slots.subarray(job.first, job.length);
  const next = new Float64Array(Math.max(8, live.length * 2));
  next.set(live);
  job.length = live.length;
  job.first = 0;
  return next;
}

function orNull(ms: number): number | null {
  return Number.isNaN(ms) ? null : ms;
}
