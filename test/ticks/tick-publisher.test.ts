import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from '../../src/clock.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import type { TickMessage } from '../../src/ticks/build-tick-message.ts';
import { TickPublisher, type TickPublisherDeps } from '../../src/ticks/tick-publisher.ts';
import { FakeClock } from '../support/fake-clock.ts';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
/** Lets the claims and publishes started by a fired timer run to their end (they resolve in microtasks). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Harness {
  publisher: TickPublisher;
  published: { exchange: string; body: TickMessage }[];
  claims: number[];
  logger: MemoryServiceLogger;
  /** Log lines at `level`, message only. */
  logged(level: 'debug' | 'info' | 'warn' | 'error'): string[];
}

function harness(clock: Clock, overrides: Partial<TickPublisherDeps> = {}): Harness {
  const published: Harness['published'] = [];
  const claims: number[] = [];
  const logger = new MemoryServiceLogger();
  let ids = 0;
  const publisher = new TickPublisher({
    clock,
    timezone: 'UTC',
    cronTime: '* * * * *',
    exchange: 'hacron',
    publish: async (exchange, body) => void published.push({ exchange, body }),
    claim: async (tickAt) => {
      claims.push(tickAt);
      return true;
    },
    logger,
    newId: () => `id-${++ids}`,
    ...overrides,
  });
  const logged = (level: string) => logger.entries.filter((e) => e.level === level).map((e) => e.message);
  return { publisher, published, claims, logger, logged };
}

/** Moves the fake clock to each armed tick in turn, `count` times, letting each tick's claim and publish finish. */
async function runTicks(clock: FakeClock, publisher: TickPublisher, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const next = publisher.nextTickAt();
    assert.ok(next !== undefined, 'a tick is armed');
    clock.jumpTo(next);
    await settle();
  }
}

describe('TickPublisher', () => {
  it('publishes one tick per CRON_TIME instant, with the fields of that instant', async () => {
    const clock = new FakeClock('2026-11-23T14:04:30Z');
    const h = harness(clock);
    h.publisher.start();
    assert.equal(iso(h.publisher.nextTickAt()), '2026-11-23T14:05:00.000Z');
    assert.equal(clock.pendingTimers, 1);
    await runTicks(clock, h.publisher, 5);
    const instants = h.published.map((p) => p.body.iso);
    assert.deepEqual(instants, [
      '2026-11-23T14:05:00.000Z',
      '2026-11-23T14:06:00.000Z',
      '2026-11-23T14:07:00.000Z',
      '2026-11-23T14:08:00.000Z',
      '2026-11-23T14:09:00.000Z',
    ]);
    assert.deepEqual(h.claims.map(iso), instants);
    assert.deepEqual(h.published[0], {
      exchange: 'hacron',
      body: {
        id: 'id-1',
        minute: 5,
        hour: 14,
        day_of_month: 23,
        day_of_week: 1,
        month: 10,
        year: 2026,
        iso: '2026-11-23T14:05:00.000Z',
        timestamp: at('2026-11-23T14:05:00Z'),
        timezone_offset: 0,
      },
    });
    assert.deepEqual(new Set(h.published.map((p) => p.body.id)).size, 5);
    assert.equal(clock.pendingTimers, 1);
    assert.deepEqual(h.logged('info'), ["ticks: publishing on exchange hacron at '* * * * *' (UTC)"]);
    assert.deepEqual(h.logged('error'), []);
  });

  it('publishes nothing when the claims are lost (another instance publishes), and keeps ticking', async () => {
    const clock = new FakeClock('2026-11-23T14:04:30Z');
    const claims: number[] = [];
    const h = harness(clock, {
      claim: async (tickAt) => {
        claims.push(tickAt);
        return false;
      },
    });
    h.publisher.start();
    await runTicks(clock, h.publisher, 3);
    assert.deepEqual(h.published, []);
    assert.deepEqual(claims.map(iso), [
      '2026-11-23T14:05:00.000Z',
      '2026-11-23T14:06:00.000Z',
      '2026-11-23T14:07:00.000Z',
    ]);
    assert.equal(iso(h.publisher.nextTickAt()), '2026-11-23T14:08:00.000Z');
    assert.deepEqual(h.logged('debug'), [
      "ticks: tick 2026-11-23T14:05:00.000Z is another instance's (its claim came first)",
      "ticks: tick 2026-11-23T14:06:00.000Z is another instance's (its claim came first)",
      "ticks: tick 2026-11-23T14:07:00.000Z is another instance's (its claim came first)",
    ]);
    assert.deepEqual([...h.logged('warn'), ...h.logged('error')], []);
  });

  it('logs a publish that throws (once as an error) and goes on ticking; says so when publishing works again', async () => {
    const clock = new FakeClock('2026-11-23T14:04:30Z');
    let brokerUp = false;
    const published: string[] = [];
    const h = harness(clock, {
      publish: async (_exchange, body) => {
        if (!brokerUp) throw new Error('RabbitMQ is not reachable (disconnected) after 10000 ms');
        published.push(body.iso);
      },
    });
    h.publisher.start();
    await runTicks(clock, h.publisher, 2);
    brokerUp = true;
    await runTicks(clock, h.publisher, 1);
    assert.deepEqual(published, ['2026-11-23T14:07:00.000Z']);
    const why =
      'RabbitMQ is not reachable (disconnected) after 10000 ms (ticks are not kept for later: a late tick would tell the wrong time)';
    assert.deepEqual(h.logged('error'), [
      `ticks: tick 2026-11-23T14:05:00.000Z was not published on exchange hacron: ${why}`,
    ]);
    assert.ok(
      h.logged('debug').includes(`ticks: tick 2026-11-23T14:06:00.000Z was not published on exchange hacron: ${why}`),
    );
    assert.deepEqual(h.logged('info').slice(1), [
      'ticks: publishing again on exchange hacron with tick 2026-11-23T14:07:00.000Z; 2 tick(s) before it were not published',
    ]);
    assert.equal(iso(h.publisher.nextTickAt()), '2026-11-23T14:08:00.000Z');
  });

  it('logs a claim that throws as a tick not published (fails closed) and goes on ticking', async () => {
    const clock = new FakeClock('2026-11-23T14:04:30Z');
    const h = harness(clock, {
      claim: async () => {
        throw new Error('connection terminated');
      },
    });
    h.publisher.start();
    await runTicks(clock, h.publisher, 2);
    assert.deepEqual(h.published, []);
    assert.deepEqual(h.logged('error'), [
      'ticks: tick 2026-11-23T14:05:00.000Z was not published on exchange hacron: it could not be claimed: ' +
        'connection terminated (ticks are not kept for later: a late tick would tell the wrong time)',
    ]);
    assert.equal(iso(h.publisher.nextTickAt()), '2026-11-23T14:07:00.000Z');
  });

  it('drops a tick whose claim took until the next tick was due (it would tell the wrong time)', async () => {
    const clock = new FakeClock('2026-11-23T14:04:30Z');
    const grants: ((won: boolean) => void)[] = [];
    const h = harness(clock, { claim: () => new Promise<boolean>((resolve) => grants.push(resolve)) });
    h.publisher.start();
    clock.jumpTo('2026-11-23T14:05:00Z');
    clock.jumpTo('2026-11-23T14:06:00.500Z'); // the 14:06 timer fires too; its claim waits as well
    assert.equal(grants.length, 2);
    grants[0]!(true);
    await settle();
    assert.equal(h.published.length, 0);
    assert.deepEqual(h.logged('error'), [
      'ticks: tick 2026-11-23T14:05:00.000Z was not published on exchange hacron: its claim took until the next ' +
        'tick, 2026-11-23T14:06:00.000Z, was due (ticks are not kept for later: a late tick would tell the wrong time)',
    ]);
    grants[1]!(true);
    await settle();
    assert.deepEqual(
      h.published.map((p) => p.body.iso),
      ['2026-11-23T14:06:00.000Z'],
    );
  });

  it('never ticks the same instant twice across a DST fall-back (Europe/Berlin, 2026-10-25)', async () => {
    for (const [cronTime, expectedLocal] of [
      // Follows real time: both passes of the repeated hour tick, each with its own offset.
      ['*/30 * * * *', ['01:30+2', '02:00+2', '02:30+2', '02:00+1', '02:30+1', '03:00+1']],
      // A fixed time: once, in the first pass (cronie's rule, as pycron's jobs).
      ['30 2 * * *', ['02:30+2']],
    ] as const) {
      const clock = new FakeClock('2026-10-24T23:15:00Z'); // 01:15 CEST
      const h = harness(clock, { timezone: 'Europe/Berlin', cronTime });
      h.publisher.start();
      while ((h.publisher.nextTickAt() ?? Infinity) <= at('2026-10-25T02:00:00Z'))
        await runTicks(clock, h.publisher, 1);
      const stamps = h.published.map((p) => p.body.timestamp);
      assert.ok(
        stamps.every((stamp, i) => i === 0 || stamp > stamps[i - 1]!),
        `${cronTime}: strictly increasing`,
      );
      const local = h.published.map(
        ({ body }) =>
          `${String(body.hour).padStart(2, '0')}:${String(body.minute).padStart(2, '0')}${-body.timezone_offset / 60 > 0 ? '+' : ''}${-body.timezone_offset / 60}`,
      );
      assert.deepEqual(local, expectedLocal, cronTime);
    }
  });

  it('never ticks an instant twice when the wall clock steps back (NTP) and forward again', async () => {
    const clock = new FakeClock('2026-11-23T14:04:30Z');
    const h = harness(clock);
    h.publisher.start();
    await runTicks(clock, h.publisher, 2); // 14:05, 14:06
    clock.jumpTo('2026-11-23T14:04:10Z');
    clock.advance(150_000); // back to 14:06:40: the armed 14:07 timer has not come due
    await settle();
    await runTicks(clock, h.publisher, 1);
    assert.deepEqual(
      h.published.map((p) => p.body.iso),
      ['2026-11-23T14:05:00.000Z', '2026-11-23T14:06:00.000Z', '2026-11-23T14:07:00.000Z'],
    );
  });

  it('handles the instant it was armed for when the timer fires a little early or late, never twice', async () => {
    let nowMs = at('2026-11-23T14:04:30Z');
    const timers: { atMs: number; fn: () => void }[] = [];
    const clock: Clock = {
      now: () => nowMs,
      setTimer: (atMs, fn) => {
        timers.push({ atMs, fn });
        return { cancel: () => {} };
      },
    };
    const h = harness(clock);
    h.publisher.start();
    nowMs = at('2026-11-23T14:04:59.800Z'); // 200 ms early
    timers.shift()!.fn();
    await settle();
    assert.equal(iso(timers[0]?.atMs), '2026-11-23T14:06:00.000Z');
    nowMs = at('2026-11-23T14:06:40Z'); // 40 s late: less than one period
    timers.shift()!.fn();
    await settle();
    assert.deepEqual(
      h.published.map((p) => p.body.iso),
      ['2026-11-23T14:05:00.000Z', '2026-11-23T14:06:00.000Z'],
    );
    assert.equal(iso(h.publisher.nextTickAt()), '2026-11-23T14:07:00.000Z');
    assert.deepEqual(h.logged('warn'), []);
  });

  it('after a suspend publishes only the latest tick due, once, and skips the rest with one warning', async () => {
    const clock = new FakeClock('2026-11-23T14:04:30Z');
    const h = harness(clock);
    h.publisher.start();
    clock.jumpTo('2026-11-23T14:15:20Z'); // as a wall-clock step: the 14:05 timer wakes only now
    await settle();
    assert.deepEqual(
      h.published.map((p) => p.body.iso),
      ['2026-11-23T14:15:00.000Z'],
    );
    assert.deepEqual(h.claims.map(iso), ['2026-11-23T14:15:00.000Z']);
    assert.deepEqual(h.logged('warn'), [
      'ticks: the timer for 2026-11-23T14:05:00.000Z woke only at 2026-11-23T14:15:20.000Z (a suspend or a clock step): ' +
        '10 tick(s) from 2026-11-23T14:05:00.000Z on were skipped; only the latest due, 2026-11-23T14:15:00.000Z, is published',
    ]);
    assert.equal(iso(h.publisher.nextTickAt()), '2026-11-23T14:16:00.000Z');
  });

  it('after a week-long suspend of an every-second CRON_TIME (604,800 ticks due) publishes one tick, warns once', async () => {
    const clock = new FakeClock('2026-11-23T14:04:30Z');
    const h = harness(clock, { cronTime: '* * * * * *' });
    h.publisher.start();
    clock.jumpTo('2026-11-30T14:04:30.250Z');
    await settle();
    assert.deepEqual(
      h.published.map((p) => p.body.iso),
      ['2026-11-30T14:04:30.000Z'],
    );
    assert.match(
      h.logged('warn')[0] ?? '',
      /: more than 100000 tick\(s\) from 2026-11-23T14:04:31.000Z on were skipped/,
    );
    assert.equal(iso(h.publisher.nextTickAt()), '2026-11-30T14:04:31.000Z');
  });

  it('ticks every second with a 6-field CRON_TIME', async () => {
    const clock = new FakeClock('2026-11-23T14:04:58.300Z');
    const h = harness(clock, { cronTime: '* * * * * *', timezone: 'America/Sao_Paulo' });
    h.publisher.start();
    await runTicks(clock, h.publisher, 4);
    assert.deepEqual(
      h.published.map((p) => p.body.iso),
      ['2026-11-23T14:04:59.000Z', '2026-11-23T14:05:00.000Z', '2026-11-23T14:05:01.000Z', '2026-11-23T14:05:02.000Z'],
    );
    assert.deepEqual(
      h.published.map((p) => [p.body.hour, p.body.minute, p.body.timezone_offset]),
      [
        [11, 4, 180],
        [11, 5, 180],
        [11, 5, 180],
        [11, 5, 180],
      ],
    );
  });

  it('stop() cancels the timer: nothing is claimed or published after it, and start() goes on after the last tick', async () => {
    const clock = new FakeClock('2026-11-23T14:04:30Z');
    const h = harness(clock);
    h.publisher.start();
    await runTicks(clock, h.publisher, 1);
    await h.publisher.stop();
    assert.equal(h.publisher.nextTickAt(), undefined);
    assert.equal(clock.pendingTimers, 0);
    clock.advance(290_000); // to 14:09:50
    await settle();
    assert.deepEqual(h.claims.map(iso), ['2026-11-23T14:05:00.000Z']);
    h.publisher.start();
    assert.equal(iso(h.publisher.nextTickAt()), '2026-11-23T14:10:00.000Z');
    await h.publisher.stop();
  });

  it('stop() waits for a tick being claimed, which is then not published', async () => {
    const clock = new FakeClock('2026-11-23T14:04:30Z');
    let grant: (won: boolean) => void = () => {};
    const h = harness(clock, { claim: () => new Promise<boolean>((resolve) => (grant = resolve)) });
    h.publisher.start();
    clock.jumpTo('2026-11-23T14:05:00Z');
    let stopped = false;
    const stopping = h.publisher.stop().then(() => (stopped = true));
    await settle();
    assert.equal(stopped, false);
    grant(true);
    await stopping;
    assert.deepEqual(h.published, []);
  });

  it('refuses a CRON_TIME or TIMEZONE it cannot use, naming the config key', () => {
    const clock = new FakeClock('2026-11-23T14:04:30Z');
    assert.throws(() => harness(clock, { cronTime: '61 * * * *' }), {
      name: 'PycronError',
      code: 'CONFIG_BAD_VALUE',
      message: "config.ini [Ticks] CRON_TIME: '61 * * * *': minute 61 is out of range 0-59",
    });
    assert.throws(() => harness(clock, { cronTime: '@hourly' }), {
      message:
        "config.ini [Ticks] CRON_TIME: expected a cron expression of 5 fields (or 6 with seconds), such as '* * * * *', got '@hourly'",
    });
    assert.throws(() => harness(clock, { timezone: 'Mars/Olympus' }), {
      message:
        "config.ini [Jobs] TIMEZONE: expected an IANA time zone such as Europe/Berlin or UTC, got 'Mars/Olympus'",
    });
  });
});
