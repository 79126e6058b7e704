// Publishes HACron's tick at each CRON_TIME instant: one timer at a time, each tick claimed first (in a cluster only
// the instance whose claim wins publishes it), failures logged and never fatal. Ticks are never caught up or kept
// for later: a clock tick that arrives late tells the wrong time.
import type { Clock, Timer } from '../clock.ts';
import { PycronError } from '../errors.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { parseCron } from '../schedule/cron-schedule.ts';
import type { Schedule } from '../schedule/schedule.ts';
import { isValidTimeZone } from '../schedule/zone-time.ts';
import { buildTickMessage, type TickMessage } from './build-tick-message.ts';
import { planTick } from './plan-tick.ts';

export interface TickPublisherDeps {
  clock: Clock;
  /** IANA zone CRON_TIME is read in and the message's wall-clock fields are given in: pycron's TIMEZONE. */
  timezone: string;
  /** [Ticks] CRON_TIME: 5 fields, or 6 with seconds first. */
  cronTime: string;
  exchange: string;
  /** Resolves once the broker has the message; rejects when it does not take it. */
  publish(exchange: string, body: TickMessage): Promise<void>;
  /** True: this instance publishes the tick at `tickAt`. In a cluster a claim in PostgreSQL; alone always true. */
  claim(tickAt: number): Promise<boolean>;
  logger: Pick<ServiceLogger, 'debug' | 'info' | 'warn' | 'error'>;
  /** A fresh unique id for each tick's message. */
  newId(): string;
}

export class TickPublisher {
  private readonly deps: TickPublisherDeps;
  private readonly schedule: Schedule;
  private running = false;
  private timer: Timer | undefined;
  private armedAt: number | undefined;
  /** The last instant handled: every later one is strictly after it, across stop() and start() too. */
  private lastTickAt = -Infinity;
  private readonly inFlight = new Set<Promise<void>>();
  /** Ticks not published since the last one that was: the first is an error, the rest only debug lines. */
  private unpublishedInARow = 0;

  constructor(deps: TickPublisherDeps) {
    if (!isValidTimeZone(deps.timezone)) {
      throw new PycronError('CONFIG_BAD_VALUE', {
        where: { file: 'config.ini', section: 'Jobs', key: 'TIMEZONE' },
        expected: 'an IANA time zone such as Europe/Berlin or UTC',
        got: deps.timezone,
      });
    }
    const where = { file: 'config.ini', section: 'Ticks', key: 'CRON_TIME' };
    const fieldCount = deps.cronTime.trim().split(/\s+/).length;
    if (fieldCount !== 5 && fieldCount !== 6) {
      const expected = "a cron expression of 5 fields (or 6 with seconds), such as '* * * * *'";
      throw new PycronError('CONFIG_BAD_VALUE', { where, expected, got: deps.cronTime });
    }
    // The claim's name seeds H (hashed) fields, so every instance of a cluster reads CRON_TIME the same way.
    const parsed = parseCron(deps.cronTime.trim(), deps.timezone, { hashSeed: `tick:${deps.exchange}` });
    if (!parsed.ok) throw new PycronError('CONFIG_BAD_VALUE', { where, reason: parsed.error });
    this.deps = deps;
    this.schedule = parsed.schedule;
  }

  /** Arms the timer for the first CRON_TIME instant strictly after now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.armAfter(this.deps.clock.now());
    const { exchange, cronTime, timezone } = this.deps;
    this.deps.logger.info(`ticks: publishing on exchange ${exchange} at '${cronTime}' (${timezone})`, {
      next: this.armedAt === undefined ? undefined : new Date(this.armedAt).toISOString(),
    });
  }

  /** The instant the timer is armed for; undefined when stopped or when CRON_TIME has no further instant. */
  nextTickAt(): number | undefined {
    return this.armedAt;
  }

  /** Cancels the timer; resolves once the ticks being claimed or published have settled (none is published after). */
  stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.timer = undefined;
    this.armedAt = undefined;
    return Promise.all([...this.inFlight]).then(() => undefined);
  }

  private armAfter(afterMs: number): void {
    const at = this.schedule.next(Math.max(afterMs, this.lastTickAt));
    this.armedAt = at;
    if (at === undefined) {
      this.deps.logger.warn(`ticks: CRON_TIME '${this.deps.cronTime}' has no further instant: no more ticks`);
      return;
    }
    this.timer = this.deps.clock.setTimer(at, () => this.wake(at));
  }

  private wake(dueAt: number): void {
    this.timer = undefined;
    if (!this.running) return;
    const now = this.deps.clock.now();
    const { tickAt, skipped } = planTick(this.schedule, dueAt, now);
    if (skipped) {
      const count = `${skipped.countIsLowerBound ? 'more than ' : ''}${skipped.count}`;
      this.deps.logger.warn(
        `ticks: the timer for ${iso(dueAt)} woke only at ${iso(now)} (a suspend or a clock step): ${count} ` +
          `tick(s) from ${iso(skipped.firstAt)} on were skipped; only the latest due, ${iso(tickAt)}, is published`,
        { exchange: this.deps.exchange },
      );
    }
    this.lastTickAt = tickAt;
    // NOTE: the next timer is armed before this tick is claimed, so a slow database or broker never delays it.
    this.armAfter(tickAt);
    const work = this.handle(tickAt).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /** Claims, then publishes the tick; never rejects. */
  private async handle(tickAt: number): Promise<void> {
    const { logger, exchange } = this.deps;
    let won: boolean;
    try {
      won = await this.deps.claim(tickAt);
    } catch (error) {
      this.notPublished(tickAt, `it could not be claimed: ${describe(error)}`);
      return;
    }
    if (!won) {
      logger.debug(`ticks: tick ${iso(tickAt)} is another instance's (its claim came first)`, { exchange });
      return;
    }
    if (!this.running) return;
    const nextAt = this.schedule.next(tickAt);
    if (nextAt !== undefined && this.deps.clock.now() >= nextAt) {
      this.notPublished(tickAt, `its claim took until the next tick, ${iso(nextAt)}, was due`);
      return;
    }
    try {
      await this.deps.publish(exchange, buildTickMessage(tickAt, this.deps.timezone, this.deps.newId()));
    } catch (error) {
      this.notPublished(tickAt, describe(error));
      return;
    }
    if (this.unpublishedInARow > 0) {
      logger.info(
        `ticks: publishing again on exchange ${exchange} with tick ${iso(tickAt)}; ` +
          `${this.unpublishedInARow} tick(s) before it were not published`,
      );
      this.unpublishedInARow = 0;
    } else {
      logger.debug(`ticks: published tick ${iso(tickAt)} on exchange ${exchange}`);
    }
  }

  private notPublished(tickAt: number, reason: string): void {
    const message =
      `ticks: tick ${iso(tickAt)} was not published on exchange ${this.deps.exchange}: ${reason}` +
      ` (ticks are not kept for later: a late tick would tell the wrong time)`;
    this.unpublishedInARow++;
    if (this.unpublishedInARow === 1) this.deps.logger.error(message);
    else this.deps.logger.debug(message);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
