// The in-memory twin of Clock: time moves only when a test says so, forwards or backwards.
import type { Clock, Timer } from '../../src/clock.ts';

interface PendingTimer {
  atMs: number;
  fn: () => void;
  cancelled: boolean;
  order: number;
}

export class FakeClock implements Clock {
  private nowMs: number;
  private timers: PendingTimer[] = [];
  private order = 0;

  constructor(start: string | number) {
    this.nowMs = typeof start === 'number' ? start : Date.parse(start);
  }

  now(): number {
    return this.nowMs;
  }

  setTimer(atMs: number, fn: () => void): Timer {
    const timer: PendingTimer = { atMs, fn, cancelled: false, order: this.order++ };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Number of timers armed and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order, each at its own instant. */
  advance(ms: number): void {
    this.runUntil(this.nowMs + ms);
  }

  /** Sets the wall clock to `iso`, forward or backward. Moving forward fires due timers on the way. */
  jumpTo(iso: string | number): void {
    const target = typeof iso === 'number' ? iso : Date.parse(iso);
    if (target >= this.nowMs) this.runUntil(target, true);
    else this.nowMs = target;
  }

  private runUntil(target: number, jump = false): void {
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const due = this.timers.filter((t) => t.atMs <= target).sort((a, b) => a.atMs - b.atMs || a.order - b.order)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      // A jump lands every overdue timer at the target instant, as a real wall-clock step does.
      this.nowMs = jump ? target : Math.max(this.nowMs, due.atMs);
      due.fn();
    }
    this.nowMs = target;
  }
}
