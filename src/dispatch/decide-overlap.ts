// The overlap policy as a pure decision: what a request to run a job does, given what the job is doing now.
import type { OverlapPolicy } from '../jobs/job-options.ts';

export interface OverlapSituation {
  policy: OverlapPolicy;
  /** Runs of the job in progress. */
  running: number;
  /** Runs waiting to start (after the current run, or after the idle wait). */
  pending: number;
  /** The request is a trigger (control socket, chain, HTTP...), which collapses into a waiting run. */
  isTrigger: boolean;
  queueMax: number;
  maxParallel: number;
}

export type OverlapDecision =
  /** Start a run now. */
  | { action: 'start' }
  /** Add the request's arguments to the last waiting run. */
  | { action: 'collapse' }
  /** Keep it as a new waiting run. */
  | { action: 'wait' }
  /** Stop the running copies, then run it (it waits until they are gone). */
  | { action: 'replace' }
  | { action: 'refuse'; reason: string };

export function decideOverlap(s: OverlapSituation): OverlapDecision {
  // A trigger joins a run that is already waiting (asap, idle): one run for the whole burst. A queue keeps each
  // request apart, except during the idle wait before a run, which exists to gather a burst.
  if (s.pending > 0 && s.isTrigger && (s.policy !== 'queue' || s.running === 0)) return { action: 'collapse' };
  if (s.running === 0) return { action: 'start' };
  switch (s.policy) {
    case 'ignore':
      return { action: 'refuse', reason: 'the job is running (overlap = ignore)' };
    case 'asap':
      return s.pending > 0 ? { action: 'collapse' } : { action: 'wait' };
    case 'queue':
      return s.pending < s.queueMax
        ? { action: 'wait' }
        : { action: 'refuse', reason: `the queue is full (queue_max = ${s.queueMax})` };
    case 'parallel': {
      if (s.running < s.maxParallel) return { action: 'start' };
      const copies = s.running === 1 ? '1 copy is' : `${s.running} copies are`;
      return { action: 'refuse', reason: `${copies} running (max_parallel = ${s.maxParallel})` };
    }
    case 'replace':
      return s.pending > 0 ? { action: 'collapse' } : { action: 'replace' };
  }
}
