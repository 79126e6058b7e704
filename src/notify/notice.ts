// A notification before it is written as a mail or a webhook body: a run's end, or a slot gone late.
import type { StatusRecord } from '../statuslog/status-record.ts';

export interface RunNotice {
  kind: 'failure' | 'recovery' | 'success';
  record: StatusRecord;
  /** The job's title (its name unless job.ini sets one). */
  title: string;
  /** The zone times are shown in: the job's. */
  zone: string;
}

/** Where a late slot stands at its deadline. */
export type LateState =
  /** No run has started since the slot. */
  | { kind: 'not-started' }
  /** A run for the slot started and has not ended. */
  | { kind: 'running'; startedAt: number }
  /** The slot's run (and its retries so far) failed. */
  | { kind: 'failed'; endedAt: number };

export interface LateNotice {
  kind: 'late';
  job: string;
  title: string;
  zone: string;
  host: string;
  /** The slot that has had no successful run. */
  slot: number;
  /** slot + late_after: when the alert became due. */
  deadline: number;
  lateAfterMs: number;
  state: LateState;
  /** When the job last succeeded, as far as this service has seen. */
  lastSuccessAt: number | undefined;
}

export type Notice = RunNotice | LateNotice;
