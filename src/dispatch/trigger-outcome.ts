// What became of a request to run a job now (a trigger from the control socket, a chained job, later HTTP).

export type TriggerOutcomeKind =
  /** A run was started for it. */
  | 'started'
  /** It will run later: after the current run (asap, queue) or after the job's idle wait. */
  | 'queued'
  /** It joined a run already pending (asap, idle): its arguments go to that run. */
  | 'collapsed'
  /** It was dropped: the job runs and its overlap policy is ignore, its queue is full, or it is disabled. */
  | 'refused';

export interface TriggerOutcome {
  kind: TriggerOutcomeKind;
  /** One sentence for a person: why, and what happens next. */
  message: string;
  /** The run started for it (kind = started). */
  runId?: string;
}
