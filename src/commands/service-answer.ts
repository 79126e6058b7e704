// What `pycron status`, `pause` and `resume` ask the running service, and its answers in one shape whichever way
// (control socket or HTTP API) the question travelled.
import type { ControlRequest, ErrorReply, JobReply, StatusReply } from '../control/control-protocol.ts';

export type ServiceRequest = Extract<ControlRequest, { op: 'status' | 'pause' | 'resume' }>;

/** The status reply; over HTTP the service's version is not known (null). */
export type ServiceStatus = Omit<StatusReply, 'version' | 'id'> & { version: string | null };

export type ServiceAnswer = ServiceStatus | Omit<JobReply, 'id'> | Omit<ErrorReply, 'id'>;
