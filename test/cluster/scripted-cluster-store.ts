// A ClusterStore the coordinator tests script: heartbeats answer with a chosen database clock, fail on demand, or
// say the instance was taken over; every call is counted. The real store is tested against PostgreSQL.
import type {
  ClaimOutcome,
  ClusterStore,
  FiringEnd,
  FiringRow,
  InstanceInfo,
  InstanceRow,
  LiveIncarnation,
  TakenFiring,
} from '../../src/cluster/cluster-store.ts';

export class ScriptedClusterStore implements ClusterStore {
  /** The database's clock as the next heartbeat reports it. */
  dbNow: () => number;
  /** While true every call rejects, as with a database that is down. */
  down = false;
  /** The next heartbeat says the lease had run out and was taken over. */
  takenOver = false;
  registered: InstanceInfo[] = [];
  takeOverCalls = 0;
  live: LiveIncarnation[] = [];

  constructor(dbNow: () => number) {
    this.dbNow = dbNow;
  }

  private async reachable(): Promise<void> {
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
  }

  async liveIncarnations(): Promise<LiveIncarnation[]> {
    await this.reachable();
    return this.live;
  }

  async register(me: InstanceInfo): Promise<void> {
    await this.reachable();
    this.registered.push(me);
  }

  async heartbeat(): Promise<{ dbNow: number } | 'dead'> {
    await this.reachable();
    if (this.takenOver) {
      this.takenOver = false;
      return 'dead';
    }
    return { dbNow: this.dbNow() };
  }

  async claim(): Promise<ClaimOutcome> {
    await this.reachable();
    return { kind: 'claimed', token: 1 };
  }

  async end(_end: FiringEnd): Promise<boolean> {
    await this.reachable();
    return true;
  }

  async takeOverDead(): Promise<TakenFiring[]> {
    await this.reachable();
    this.takeOverCalls++;
    return [];
  }

  async stop(): Promise<void> {}

  async instances(): Promise<InstanceRow[]> {
    return [];
  }

  async firings(): Promise<FiringRow[]> {
    return [];
  }

  async loadState(): Promise<unknown> {
    return undefined;
  }

  async saveState(): Promise<void> {}
}
