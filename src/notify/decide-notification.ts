// Whether a run's end (or a late slot) is worth telling someone about: a pure function of the job's health before
// it, what happened, and the job's notify_on.
import type { JobOptions, NotifyOn } from '../jobs/job-options.ts';

/** What the notifier believes about a job, from the runs it has seen. */
export type JobHealth =
  /** No run seen yet (and nothing known from the state file). */
  | 'unknown'
  /** The last run succeeded. */
  | 'up'
  /** The last run failed. */
  | 'failing'
  /** A slot passed late_after ago without a successful run; a late alert went out. */
  | 'late';

/** What happened, in a notification's words. */
export type NotificationKind = 'failure' | 'recovery' | 'success' | 'late';

export type HealthEvent =
  /** A run ended; `quiet` when it wrote nothing to stdout or stderr. */
  | { kind: 'run'; ok: boolean; quiet: boolean }
  /** A slot's late_after passed without a successful run. */
  | { kind: 'late' };

export interface NotificationDecision {
  health: JobHealth;
  /** What happened; undefined when nothing new did (a late slot while the job is already late). */
  kind: NotificationKind | undefined;
  mail: boolean;
  webhook: boolean;
}

/** notify_on as written, or the default: failure and recovery, and late when late_after is set. */
export function effectiveNotifyOn(options: Pick<JobOptions, 'notifyOn' | 'lateAfterMs'>): readonly NotifyOn[] {
  if (options.notifyOn !== undefined) return options.notifyOn;
  return options.lateAfterMs === undefined ? ['failure', 'recovery'] : ['failure', 'recovery', 'late'];
}

/**
 * Invariants: a failure is reported every time; a recovery is the first success after a failure or a late alert; a
 * late slot is reported once until the job succeeds (or fails) again. `always` reports every run and late slots,
 * but a quiet successful run is not mailed (kopf mails a run's output when there is some); webhooks get it.
 */
export function decideNotification(
  previous: JobHealth,
  event: HealthEvent,
  notifyOn: readonly NotifyOn[],
): NotificationDecision {
  const on = (word: NotifyOn): boolean => notifyOn.includes(word) || notifyOn.includes('always');
  if (event.kind === 'late') {
    if (previous === 'late') return { health: 'late', kind: undefined, mail: false, webhook: false };
    const send = on('late');
    return { health: 'late', kind: 'late', mail: send, webhook: send };
  }
  if (!event.ok) {
    const send = on('failure');
    return { health: 'failing', kind: 'failure', mail: send, webhook: send };
  }
  if (previous === 'failing' || previous === 'late') {
    const send = on('recovery');
    return { health: 'up', kind: 'recovery', mail: send, webhook: send };
  }
  const always = notifyOn.includes('always');
  return { health: 'up', kind: 'success', mail: always && !event.quiet, webhook: always };
}
