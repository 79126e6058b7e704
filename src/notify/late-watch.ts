// Healthchecks-style lateness: for each job with late_after, the first slot not yet covered by a successful run is
// watched, and a timer on the Clock fires at slot + late_after. One timer per job, whatever the schedule.
import type { Clock, Timer } from '../clock.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { LateState } from './notice.ts';

export type NextSlotOf = (job: JobSpec, afterMs: number) => number | undefined;

export interface LateSlot {
  job: JobSpec;
  slot: number;
  deadline: number;
  state: LateState;
  lastSuccessAt: number | undefined;
}

export interface LateWatchOptions {
  clock: Clock;
  /** The job's first slot strictly after `afterMs` (scheduler/next-slot.ts). */
  nextSlotOf: NextSlotOf;
  onLate(late: LateSlot): void;
}

interface Watched {
  job: JobSpec;
  lateAfterMs: number;
  paused: boolean;
  /** The slot being watched: the first one not covered by a success (or already reported). */
  slot: number | undefined;
  timer: Timer | undefined;
  /** Runs started and not ended, by run id; a run covers the slots up to the later of its slot and its start. */
  running: Map<string, { covers: number; startedAt: number }>;
  lastSuccessAt: number | undefined;
  lastFailure: { covers: number; endedAt: number } | undefined;
}

/**
 * Invariant: a slot is reported at most once, and only when no run that covers it (a run covers the slots up to
 * the later of its scheduled instant and its start) succeeded before slot + late_after.
 */
export class LateWatch {
  private readonly watched = new Map<string, Watched>();

  constructor(private readonly options: LateWatchOptions) {}

  /** Starts, restarts or stops watching `job`, as its late_after, enabled flag and schedules say. */
  upsert(job: JobSpec): void {
    const lateAfterMs = job.options.lateAfterMs;
    const known = this.watched.get(job.name);
    if (lateAfterMs === undefined || !job.enabled) {
      if (known) this.remove(job.name);
      return;
    }
    const now = this.options.clock.now();
    const entry: Watched = known ?? {
      job,
      lateAfterMs,
      paused: false,
      slot: undefined,
      timer: undefined,
      running: new Map(),
      lastSuccessAt: undefined,
      lastFailure: undefined,
    };
    entry.job = job;
    entry.lateAfterMs = lateAfterMs;
    this.watched.set(job.name, entry);
    // A changed job keeps its place: the first slot of its new schedules at or after the one watched.
    this.watchFrom(entry, entry.slot ?? now + 1);
  }

  remove(name: string): void {
    this.watched.get(name)?.timer?.cancel();
    this.watched.delete(name);
  }

  /** A paused job is not late; on resume, slots from now on are watched. */
  setPaused(name: string, paused: boolean): void {
    const entry = this.watched.get(name);
    if (!entry || entry.paused === paused) return;
    entry.paused = paused;
    if (paused) {
      entry.timer?.cancel();
      entry.timer = undefined;
    } else {
      this.watchFrom(entry, this.options.clock.now() + 1);
    }
  }

  runStarted(name: string, runId: string, scheduledAt: number, startedAt: number): void {
    this.watched.get(name)?.running.set(runId, { covers: Math.max(scheduledAt, startedAt), startedAt });
  }

  runEnded(
    name: string,
    run: { runId: string; scheduledAt: number; startedAt: number; endedAt: number; ok: boolean },
  ): void {
    const entry = this.watched.get(name);
    if (!entry) return;
    entry.running.delete(run.runId);
    const covers = Math.max(run.scheduledAt, run.startedAt);
    if (!run.ok) {
      entry.lastFailure = { covers, endedAt: run.endedAt };
      return;
    }
    entry.lastSuccessAt = run.endedAt;
    if (entry.slot !== undefined && covers >= entry.slot && !entry.paused) this.watchFrom(entry, covers + 1);
  }

  close(): void {
    for (const entry of this.watched.values()) entry.timer?.cancel();
    this.watched.clear();
  }

  /** Watches the first slot at or after `fromMs`. */
  private watchFrom(entry: Watched, fromMs: number): void {
    entry.timer?.cancel();
    entry.timer = undefined;
    entry.slot = this.options.nextSlotOf(entry.job, fromMs - 1);
    if (entry.slot === undefined || entry.paused) return;
    const slot = entry.slot;
    entry.timer = this.options.clock.setTimer(slot + entry.lateAfterMs, () => this.deadlinePassed(entry, slot));
  }

  private deadlinePassed(entry: Watched, slot: number): void {
    entry.timer = undefined;
    if (this.watched.get(entry.job.name) !== entry || entry.slot !== slot) return;
    const now = this.options.clock.now();
    this.options.onLate({
      job: entry.job,
      slot,
      deadline: slot + entry.lateAfterMs,
      state: this.stateOf(entry, slot),
      lastSuccessAt: entry.lastSuccessAt,
    });
    // NOTE: after a clock jump, slots whose deadlines have passed too are not reported one by one: the job is
    // already known to be late, and the next slot watched is the first whose deadline is still ahead.
    this.watchFrom(entry, Math.max(slot + 1, now - entry.lateAfterMs + 1));
  }

  private stateOf(entry: Watched, slot: number): LateState {
    const started = [...entry.running.values()].filter((run) => run.covers >= slot);
    if (started.length > 0) return { kind: 'running', startedAt: Math.min(...started.map((run) => run.startedAt)) };
    if (entry.lastFailure && entry.lastFailure.covers >= slot)
      return { kind: 'failed', endedAt: entry.lastFailure.endedAt };
    return { kind: 'not-started' };
  }
}
