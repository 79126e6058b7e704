// The service's typed events. The status log, the CLI, tests (and later HTTP, metrics, triggers) subscribe here;
// a listener that throws is reported and cannot break the scheduler.
import { EventEmitter } from 'node:events';
import type { Diagnostic } from './diagnostic.ts';
import type { JobSpec } from './jobs/job-spec.ts';
import type { RunResult } from './runner/run-result.ts';
import type { Firing } from './scheduler/firing.ts';
import type { StatusRecord } from './statuslog/status-record.ts';

export interface ServiceEvents {
  'job:added': { job: JobSpec };
  'job:changed': { job: JobSpec };
  'job:removed': { job: JobSpec };
  'jobs:diagnostics': { diagnostics: Diagnostic[] };
  'firing:skipped': { job: string; slot: number; reason: string };
  'run:started': { firing: Firing; runId: string; pid: number | null };
  'run:finished': { firing: Firing; result: RunResult; record: StatusRecord };
  'service:ready': { jobs: number };
  'job:paused': { job: string; paused: boolean };
}

export type EventName = keyof ServiceEvents;

export class ServiceEventBus {
  private readonly emitter = new EventEmitter();
  private readonly onListenerError: (event: string, error: unknown) => void;

  constructor(onListenerError: (event: string, error: unknown) => void = () => {}) {
    this.emitter.setMaxListeners(0);
    this.onListenerError = onListenerError;
  }

  on<E extends EventName>(event: E, listener: (payload: ServiceEvents[E]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  /** Resolves with the first payload of `event` that satisfies `match`. */
  once<E extends EventName>(
    event: E,
    match: (payload: ServiceEvents[E]) => boolean = () => true,
  ): Promise<ServiceEvents[E]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        if (!match(payload)) return;
        off();
        resolve(payload);
      });
    });
  }

  /** Calls every listener; one that throws is reported and the others still run. */
  emit<E extends EventName>(event: E, payload: ServiceEvents[E]): void {
    for (const listener of this.emitter.listeners(event)) {
      try {
        (listener as (p: ServiceEvents[E]) => void)(payload);
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
  }
}
