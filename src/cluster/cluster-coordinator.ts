// This instance's member of the cluster: it renews its lease, claims each firing before it runs, records how it
// ended (fenced by the claim's token), and takes over the running firings of instances whose lease ran out.
// The database may go away at any moment: claims and records wait and are tried again, so nothing is lost; the
// scheduler simply waits for its claims (scheduling pauses) until the database is back.
import type { Clock, Timer } from '../clock.ts';
import { PycronError } from '../errors.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import type {
  ClaimOutcome,
  ClaimRequest,
  ClusterStore,
  FiringEnd,
  InstanceInfo,
  TakenFiring,
} from './cluster-store.ts';

export interface ClusterCoordinatorOptions {
  store: ClusterStore;
  clock: Clock;
  logger: ServiceLogger;
  me: Omit<InstanceInfo, 'incarnation'>;
  /** Running firings of a dead instance, now this one's: record them (they were interrupted). */
  onTakeOver(firings: TakenFiring[]): void;
  /** A new incarnation id (crypto.randomUUID in the service). */
  newIncarnation(): string;
  /** Warn when this host's clock and the database's differ by more than this. */
  maxClockSkewMs?: number;
}

export interface ClusterHealth {
  instanceId: string;
  incarnation: string;
  /** The last heartbeat went through. */
  connected: boolean;
  lastHeartbeatAt: number | undefined;
  clockSkewMs: number | null;
  leaseMs: number;
  /** Claims and records waiting for the database. */
  waiting: number;
}

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2_000;

export class ClusterCoordinator {
  private readonly options: ClusterCoordinatorOptions;
  private me: InstanceInfo;
  private connected = false;
  /** Since when the heartbeat has gone through without a break (takeovers wait one lease after a break). */
  private healthySince: number | undefined;
  private lastHeartbeatAt: number | undefined;
  private clockSkewMs: number | null = null;
  private skewWarned = false;
  private timer: Timer | undefined;
  private stopped = false;
  /** Stopping: no new claims (a claim that went in after the goodbye would stay 'running' for ever). */
  private leaving = false;
  private readonly pendingClaims = new Set<Promise<unknown>>();
  private waiting = 0;
  private readonly pendingEnds = new Set<Promise<void>>();
  private outageLogged = false;

  constructor(options: ClusterCoordinatorOptions) {
    this.options = options;
    this.me = { ...options.me, incarnation: options.newIncarnation() };
  }

  get incarnation(): string {
    return this.me.incarnation;
  }

  /** Registers this incarnation (waiting for the database if it is down) and starts the heartbeat. */
  async start(): Promise<void> {
    await this.waitForFormerSelf();
    await this.retrying('register this instance', () => this.options.store.register(this.me));
    this.connected = true;
    this.healthySince = this.options.clock.now();
    this.options.logger.info(
      `cluster: joined as ${this.me.instanceId} (incarnation ${this.me.incarnation}, lease ${this.me.leaseMs} ms)`,
    );
    this.armHeartbeat();
  }

  /**
   * An incarnation with our INSTANCE_ID still alive is either our crashed former self (silent: its lease runs out
   * soon, then it is taken over) or another instance misconfigured with our name: wait up to two leases to tell.
   */
  private async waitForFormerSelf(): Promise<void> {
    const { store, logger } = this.options;
    const deadline = this.options.clock.now() + 2 * this.me.leaseMs + 500;
    for (;;) {
      const live =
        (await this.retrying('look for this instance id', () => store.liveIncarnations(this.me.instanceId))) ?? [];
      const heartbeating = live.filter((other) => other.silentMs < other.leaseMs);
      if (heartbeating.length === 0) return;
      if (this.options.clock.now() > deadline) {
        const other = heartbeating[0]!;
        throw new PycronError('CLUSTER_INSTANCE_ID_IN_USE', {
          reason:
            `instance id ${this.me.instanceId} is in use by a live instance (pid ${other.pid} on ${other.host}, ` +
            `heartbeating): give each instance its own [Cluster] INSTANCE_ID`,
        });
      }
      logger.info(`cluster: an earlier ${this.me.instanceId} is still marked alive: waiting for its lease to run out`);
      await new Promise((resolve) => setTimeout(resolve, Math.max(100, this.me.leaseMs / 2)));
    }
  }

  /** Claims `request` for this instance; undefined once stopping. Waits through database outages. */
  async claim(
    request: Omit<ClaimRequest, 'claimedAt' | 'recordPassOver'>,
    recordPassOver = true,
  ): Promise<ClaimOutcome | undefined> {
    if (this.leaving) return undefined;
    this.waiting++;
    const claiming = this.retrying(`claim ${request.job} for ${new Date(request.scheduledAt).toISOString()}`, () =>
      this.options.store.claim(this.me, { ...request, recordPassOver, claimedAt: this.options.clock.now() }),
    );
    this.pendingClaims.add(claiming);
    try {
      return await claiming;
    } finally {
      this.waiting--;
      this.pendingClaims.delete(claiming);
    }
  }

  /** Records how a claimed firing ended (kept and tried again while the database is down). */
  recordEnd(end: FiringEnd, job: string): void {
    this.waiting++;
    const pending = this.retrying(`record run ${end.runId} of ${job}`, () => this.options.store.end(end))
      .then((recorded) => {
        if (recorded === false) {
          this.options.logger.warn(
            `cluster: run ${end.runId} of ${job} ended (${end.status}), but another instance had taken it over ` +
              `(its lease had run out): the cluster keeps the newer owner's record`,
          );
        }
      })
      .finally(() => {
        this.waiting--;
        this.pendingEnds.delete(pending);
      });
    this.pendingEnds.add(pending);
  }

  health(): ClusterHealth {
    return {
      instanceId: this.me.instanceId,
      incarnation: this.me.incarnation,
      connected: this.connected,
      lastHeartbeatAt: this.lastHeartbeatAt,
      clockSkewMs: this.clockSkewMs,
      leaseMs: this.me.leaseMs,
      waiting: this.waiting,
    };
  }

  /** Stops the heartbeat; records still waiting get up to `graceMs`; then the instance leaves the cluster. */
  async stop(graceMs: number): Promise<void> {
    this.leaving = true;
    this.timer?.cancel();
    this.timer = undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise((resolve) => (graceTimer = setTimeout(resolve, graceMs)));
    // Claims in progress first: what they won is released by the dispatcher (stopping) and recorded below.
    await Promise.race([Promise.allSettled([...this.pendingClaims]), graceOver]);
    await Promise.race([Promise.allSettled([...this.pendingEnds]), graceOver]);
    clearTimeout(graceTimer);
    this.stopped = true;
    try {
      await this.options.store.stop(this.me.incarnation);
    } catch (error) {
      this.options.logger.warn(
        `cluster: could not say goodbye (${String(error)}): the others take over after the lease`,
      );
    }
  }

  private armHeartbeat(): void {
    // NOTE: a heartbeat in flight when stop() began ends here too: re-armed, it would beat on a closed pool for ever
    // and keep the stopping process alive.
    if (this.stopped || this.leaving) return;
    const every = Math.max(50, Math.floor(this.me.leaseMs / 5));
    this.timer = this.options.clock.setTimer(this.options.clock.now() + every, () => void this.beat());
  }

  private async beat(): Promise<void> {
    const { store, clock, logger } = this.options;
    try {
      const sentAt = clock.now();
      const answer = await store.heartbeat(this.me.incarnation, this.clockSkewMs);
      const heardAt = clock.now();
      if (answer === 'dead') {
        const old = this.me.incarnation;
        this.me = { ...this.me, incarnation: this.options.newIncarnation() };
        logger.error(
          `cluster: this instance was silent longer than its lease and was taken over (incarnation ${old}); ` +
            `joining again as ${this.me.incarnation}: runs it had started are recorded by the instance that took them`,
        );
        await store.register(this.me);
        this.healthySince = heardAt;
      } else {
        this.checkSkew((sentAt + heardAt) / 2 - answer.dbNow, heardAt - sentAt);
      }
      this.markConnected(heardAt);
      if (heardAt - (this.healthySince ?? heardAt) >= this.me.leaseMs) {
        const taken = await store.takeOverDead(this.me);
        if (taken.length > 0) this.options.onTakeOver(taken);
      }
    } catch (error) {
      this.markDisconnected(error);
    } finally {
      this.armHeartbeat();
    }
  }

  private checkSkew(skewMs: number, roundTripMs: number): void {
    // The round trip bounds how well the skew is known: only a difference beyond it counts.
    const skew = Math.abs(skewMs) <= roundTripMs / 2 ? 0 : Math.round(skewMs);
    this.clockSkewMs = skew;
    const limit = this.options.maxClockSkewMs ?? 1_000;
    if (Math.abs(skew) > limit && !this.skewWarned) {
      this.skewWarned = true;
      this.options.logger.warn(
        `cluster: this host's clock is ${skew > 0 ? 'ahead of' : 'behind'} the database's by ${Math.abs(skew)} ms ` +
          `(more than ${limit} ms): jobs here fire off time; synchronise the clock (chrony, systemd-timesyncd)`,
      );
    } else if (Math.abs(skew) <= limit / 2 && this.skewWarned) {
      this.skewWarned = false;
      this.options.logger.info(`cluster: this host's clock agrees with the database's again (${skew} ms)`);
    }
  }

  private markConnected(at: number): void {
    this.lastHeartbeatAt = at;
    if (!this.connected) {
      this.connected = true;
      this.healthySince = at;
      this.outageLogged = false;
      this.options.logger.info('cluster: the database answers again: scheduling goes on');
    }
  }

  private markDisconnected(error: unknown): void {
    this.connected = false;
    this.healthySince = undefined;
    if (!this.outageLogged) {
      this.outageLogged = true;
      this.options.logger.error(
        `cluster: the database does not answer (${describe(error)}): scheduling waits for it; nothing is dropped`,
      );
    }
  }

  /** Calls `work` until it succeeds, waiting longer after each failure (up to 2 s); gives up only when stopped. */
  private async retrying<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
    let delay = RETRY_FIRST_MS;
    for (;;) {
      if (this.stopped) return undefined;
      try {
        return await work();
      } catch (error) {
        this.markDisconnected(error);
        this.options.logger.debug(`cluster: could not ${what}: ${describe(error)}; trying again in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
        delay = Math.min(RETRY_MAX_MS, delay * 2);
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
