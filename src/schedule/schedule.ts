// What every schedule expression compiles to: a pure function from an instant to the next firing instant.

export type ScheduleKind = 'cron' | 'interval' | 'iso8601' | 'pycron' | 'reboot';

export interface Schedule {
  readonly kind: ScheduleKind;
  /** The expression as the user wrote it (after the TZ= prefix is removed). */
  readonly expression: string;
  /** IANA zone the expression is read in. */
  readonly timezone: string;
  /**
   * The first firing instant strictly after `afterMs` (ms since the epoch), or undefined when the schedule
   * has no more firings (an exhausted `R5/...`, `@reboot`). Pure: the same input gives the same output.
   * Invariant: successive calls `next(next(t))` are strictly increasing and never repeat a local slot.
   */
  next(afterMs: number): number | undefined;
  /** The schedule in words, for `pycron list` and the dashboard: "every 5 minutes", "at 02:30 every day (Europe/Berlin)". */
  describe(): string;
}
