// What cluster mode keeps in PostgreSQL, as plain operations: the coordinator and the state store talk to this,
// never to SQL (pg-cluster-store.ts holds every statement).
import type { StatusRecord } from '../statuslog/status-record.ts';

export interface InstanceInfo {
  /** This process: a new id at every start, so a restarted instance never inherits its dead self's lease. */
  incarnation: string;
  /** [Cluster] INSTANCE_ID: the name the instance keeps across restarts (its scheduler state is filed under it). */
  instanceId: string;
  host: string;
  pid: number;
  version: string;
  leaseMs: number;
}

export interface ClaimRequest {
  job: string;
  /** The slot (ms since the epoch): with `retry`, the firing's identity in the whole cluster. */
  scheduledAt: number;
  /** A retry of a failed run (its instant is its own), not a slot of the schedule. */
  retry: boolean;
  /** This instance's count of attempts: recorded, not part of the identity (each instance counts its own). */
  attempt: number;
  reason: string;
  runId: string;
  /** The job runs one at a time (overlap other than parallel): no claim while another instance runs it. */
  exclusive: boolean;
  /** When the claim is made, by this instance's clock. */
  claimedAt: number;
  /** When the job is busy elsewhere: record the slot as passed over (the last try), or only say so. */
  recordPassOver: boolean;
}

export type ClaimOutcome =
  /** Ours to run; the token fences every later write about it. */
  | { kind: 'claimed'; token: number }
  /** Another instance (or this one, earlier) claimed this firing already. */
  | { kind: 'taken'; by: string }
  /** The job is running on another instance: this slot is recorded as passed over (released). */
  | { kind: 'busy'; by: string };

export type FiringStatus = 'succeeded' | 'failed' | 'interrupted' | 'released';

export interface FiringEnd {
  runId: string;
  token: number;
  status: FiringStatus;
  endedAt: number;
  exitCode: number | null;
  note?: string;
  /** The run's status record (as in job_status.log). */
  record?: StatusRecord;
}

/** A running firing of a dead instance, now this instance's, with a new token. */
export interface TakenFiring {
  job: string;
  scheduledAt: number;
  attempt: number;
  reason: string;
  runId: string;
  token: number;
  claimedAt: number;
  /** The INSTANCE_ID that claimed it and died. */
  from: string;
}

export interface InstanceRow {
  incarnation: string;
  instanceId: string;
  host: string;
  pid: number;
  version: string;
  startedAt: number;
  heartbeatAt: number;
  leaseMs: number;
  state: 'alive' | 'stopped' | 'dead';
  clockSkewMs: number | null;
  /** Firings it is running now. */
  running: number;
}

export interface FiringRow {
  job: string;
  scheduledAt: number;
  attempt: number;
  reason: string;
  runId: string;
  instanceId: string;
  token: number;
  status: 'running' | FiringStatus;
  claimedAt: number;
  endedAt: number | null;
  exitCode: number | null;
  note: string | null;
}

/** A live incarnation going by some INSTANCE_ID, and how long it has been silent (by the database's clock). */
export interface LiveIncarnation {
  incarnation: string;
  host: string;
  pid: number;
  silentMs: number;
  leaseMs: number;
}

export interface ClusterStore {
  /** The incarnations of `instanceId` still marked alive (a crashed one stays so until its lease runs out). */
  liveIncarnations(instanceId: string): Promise<LiveIncarnation[]>;
  register(me: InstanceInfo): Promise<void>;
  /** Renews the lease; the database's clock (ms), or 'dead' when the lease had run out and was taken over. */
  heartbeat(incarnation: string, clockSkewMs: number | null): Promise<{ dbNow: number } | 'dead'>;
  claim(me: InstanceInfo, request: ClaimRequest): Promise<ClaimOutcome>;
  /** Records a firing's end; false when fenced (another instance owns it now, with a newer token). */
  end(end: FiringEnd): Promise<boolean>;
  /** Marks instances whose lease ran out as dead and moves their running firings to `me`, with new tokens. */
  takeOverDead(me: InstanceInfo): Promise<TakenFiring[]>;
  /** A clean shutdown: the instance is stopped, and what it claimed and never ran is released. */
  stop(incarnation: string): Promise<void>;
  instances(): Promise<InstanceRow[]>;
  /** The newest firings, newest claim first. */
  firings(filter: { job?: string; limit: number }): Promise<FiringRow[]>;
  loadState(instanceId: string): Promise<unknown>;
  saveState(instanceId: string, state: object): Promise<void>;
}
