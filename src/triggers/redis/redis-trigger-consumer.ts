// Takes trigger messages off the Redis list reliably: each one is moved atomically (BLMOVE) to this service's own
// processing list, handled, and only then removed. A crash in between leaves it there, and the next start handles
// it first; two services on one list never get the same message. What names no Redis-triggered job is dead-lettered.
import type { TriggerOutcome } from '../../dispatch/trigger-outcome.ts';
import type { JobSpec } from '../../jobs/job-spec.ts';
import type { ServiceLogger } from '../../log/service-logger.ts';
import { reconnectDelayMs } from '../reconnect-delay-ms.ts';
import { decideRedisMessage } from './decide-redis-message.ts';
import type { TriggerListStore } from './trigger-list-store.ts';

export interface RedisListNames {
  /** Where producers push (LPUSH): hoocron's `hook`. */
  list: string;
  /** This service's own: LIST:processing:INSTANCE_ID. */
  processing: string;
  /** LIST:dead unless configured. */
  dead: string;
}

export interface RedisTriggerConsumerDeps {
  store: TriggerListStore;
  lists: RedisListNames;
  lookupJob(name: string): JobSpec | undefined;
  /** The service's trigger: through the job's overlap policy. */
  trigger(job: string, args: readonly string[], source: string): TriggerOutcome;
  logger: ServiceLogger;
  /** Ends the store's connection at once (a blocked take fails); called by stop(). */
  interrupt(): void;
  /** False while the connection is down: its loss is logged where it is noticed, not again for each failed command. */
  isConnected(): boolean;
}

/** How long one BLMOVE waits before it is sent again; a short wait keeps the connection visibly alive. */
const BLOCK_SECONDS = 5;
/** How long stop() lets a message being handled finish before the connection is cut. */
const STOP_WAIT_MS = 2_000;
/** Dead letters kept: the newest ones. */
export const DEAD_LETTERS_KEPT = 10_000;

export class RedisTriggerConsumer {
  private readonly deps: RedisTriggerConsumerDeps;
  private stopping = false;
  /** True while a BLMOVE waits: stop() may then cut the connection without losing anything. */
  private blocked = false;
  private loop: Promise<void> | undefined;
  private endPause: (() => void) | undefined;

  constructor(deps: RedisTriggerConsumerDeps) {
    this.deps = deps;
  }

  start(): void {
    this.loop ??= this.consume();
  }

  /** Waits (briefly) for a message being handled, then cuts the connection; what is left waits for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.endPause?.();
    // Without a connection nothing being handled can finish: cut at once.
    if (this.loop && !this.blocked && this.deps.isConnected()) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.loop, new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
      clearTimeout(timer);
    }
    this.deps.interrupt();
    await this.loop;
  }

  private async consume(): Promise<void> {
    const { store, lists, logger } = this.deps;
    let failures = 0;
    while (!this.stopping) {
      try {
        // NOTE: leftovers first, at start and after every lost connection: a crash (or a reply lost with the
        // connection) between BLMOVE and LREM leaves the message in the processing list.
        await this.handleLeftovers();
        while (!this.stopping) {
          this.blocked = true;
          const message = await store.takeOldest(lists.list, lists.processing, BLOCK_SECONDS);
          this.blocked = false;
          failures = 0;
          // Taken while stopping: it stays in the processing list and is handled at the next start.
          if (message === null || this.stopping) continue;
          await this.handle(message);
        }
      } catch (error) {
        this.blocked = false;
        if (this.stopping) break;
        const delayMs = reconnectDelayMs(failures++);
        const message = `Redis triggers: ${error instanceof Error ? error.message || error.name : String(error)}`;
        if (this.deps.isConnected()) logger.warn(`${message}; again in ${delayMs} ms`);
        else logger.debug(`${message}; again in ${delayMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delayMs);
          this.endPause = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.endPause = undefined;
      }
    }
  }

  private async handleLeftovers(): Promise<void> {
    const { store, lists, logger } = this.deps;
    for (;;) {
      const message = await store.peekOldest(lists.processing);
      if (message === null || this.stopping) return;
      logger.info(`Redis triggers: handling a message left in ${lists.processing} (the service stopped before it ran)`);
      await this.handle(message);
    }
  }

  /** Triggers the job (or dead-letters the message), then removes the message from the processing list. */
  private async handle(message: Buffer): Promise<void> {
    const { store, lists, logger } = this.deps;
    const decision = decideRedisMessage(message, this.deps.lookupJob);
    if (decision.kind === 'refuse') return this.deadLetter(message, decision.reason);
    let outcome: TriggerOutcome;
    try {
      outcome = this.deps.trigger(decision.job, decision.args, `redis ${lists.list}`);
    } catch (error) {
      // The job went away between the decision and the trigger (JOB_NOT_FOUND): dead-letter it like any other.
      return this.deadLetter(message, error instanceof Error ? error.message : String(error));
    }
    logger.info(`Redis trigger of ${decision.job} from ${lists.list}: ${outcome.kind}: ${outcome.message}`);
    await store.removeOldest(lists.processing, message);
  }

  private async deadLetter(message: Buffer, reason: string): Promise<void> {
    const { store, lists, logger } = this.deps;
    logger.warn(`Redis trigger from ${lists.list} moved to ${lists.dead}: ${reason}`, {
      message: message.length > 200 ? `${message.subarray(0, 200).toString('utf8')}…` : message.toString('utf8'),
    });
    await store.moveToDeadLetter(lists.processing, lists.dead, message, DEAD_LETTERS_KEPT);
  }
}
