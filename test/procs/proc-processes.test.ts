// The supervisor with real processes on the system clock: restarts, backoff, SIGHUP and restarts on file changes,
// stopping whole groups, and the orphan a crashed service left behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/clock.ts';
import { ServiceEventBus } from '../../src/events.ts';
import type { JobOptions } from '../../src/jobs/job-options.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import { findProcOrphans } from '../../src/procs/find-proc-orphans.ts';
import { ProcSupervisor } from '../../src/procs/proc-supervisor.ts';
import type { StatusRecord } from '../../src/statuslog/status-record.ts';
import { isProcessGone, killGroup } from '../runner/process-checks.ts';
import { procSpec } from './proc-fixtures.ts';
import { waitUntil } from './wait-until.ts';

const KILL_GRACE_MS = 300;
const leftovers = new Set<number>();
let tmp: string;
let serial = 0;

before(async () => {
  tmp = await realpath(await mkdtemp(os.tmpdir() + '/pycron-'));
});
after(async () => {
  for (const pid of leftovers) killGroup(pid);
  await rm(tmp, { recursive: true, force: true });
});

/** A supervisor on the real clock, with its own service id, records and log; `out` is a file the scripts write. */
function harness() {
  const n = ++serial;
  const serviceId = `test-${process.pid}-${n}`;
  const records: StatusRecord[] = [];
  const logger = new MemoryServiceLogger();
  const events = new ServiceEventBus();
  const supervisor = new ProcSupervisor({
    clock: systemClock,
    logger,
    events,
    statusLog: { write: (record) => records.push(record) },
    host: 'test-host',
    serviceId,
    killGraceMs: KILL_GRACE_MS,
    captureBytes: 64 * 1024,
    fileDebounceMs: 50,
  });
  events.on('run:started', ({ pid }) => pid && leftovers.add(pid));
  const out = path.join(tmp, `out-${n}.txt`);
  const proc = (name: string, script: string, options: Partial<JobOptions> = {}) =>
    procSpec(name, tmp, script, { env: { OUT: out }, ...options });
  const lines = (): string[] => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);
  return { serviceId, records, logger, events, supervisor, out, proc, lines };
}

const ms = (iso: string | null): number => Date.parse(iso as string);

describe('rule 6, procs: the supervisor with real processes', { timeout: 20_000 }, () => {
  it('a proc that dies is restarted and each exit is recorded', async () => {
    const h = harness();
    h.supervisor.upsert(h.proc('dies', 'echo "$$" >> "$OUT"; sleep 0.1; echo bye; exit 3', { logOutput: true }), {
      atStartUp: true,
    });
    try {
      await waitUntil(() => h.records.length >= 2, 5_000, 'two exits');
      const [first, second] = h.records as [StatusRecord, StatusRecord];
      assert.equal(first.job, 'dies');
      assert.equal(first.status_code, 3);
      assert.equal(first.output, 'bye\n');
      assert.equal(first.reason_for_run, 'proc started with the service');
      assert.equal(first.ok, false);
      assert.equal(first.number_of_failed_attempts, 1);
      const delay = ms(first.next_run) - ms(first.ended_at);
      assert.ok(delay >= 100 && delay < 350, `restart planned ${delay} ms after the exit`);
      assert.ok(ms(second.begun_at) >= ms(first.next_run), 'not restarted before next_run');
      assert.equal(second.reason_for_run, 'proc restarted after exit (code 3)');
      assert.notEqual(second.pid, first.pid);
      assert.deepEqual(h.lines().slice(0, 2), [String(first.pid), String(second.pid)]);
      const output = h.logger.entries.find((e) => e.message === 'output of proc dies');
      assert.deepEqual(output?.fields, { run_id: first.run_id, stdout: 'bye\n', stderr: '' });
    } finally {
      await h.supervisor.stopAll();
    }
  });

  it('a crash-looping proc backs off: 100, 200, 400, 800 ms', async () => {
    const h = harness();
    const begun = Date.now();
    h.supervisor.upsert(h.proc('crashes', 'exit 1'));
    try {
      await waitUntil(() => h.records.length >= 5, 6_000, 'five exits');
      const records = h.records.slice(0, 5);
      const planned = records.slice(0, 4).map((r) => ms(r.next_run) - ms(r.ended_at));
      const expected = [100, 200, 400, 800];
      planned.forEach((delay, i) => {
        const want = expected[i] as number;
        assert.ok(delay >= want && delay < want + 250, `delay ${i + 1}: ${delay} ms, expected ${want}`);
      });
      const gaps = records.slice(1).map((r, i) => ms(r.begun_at) - ms((records[i] as StatusRecord).ended_at));
      gaps.forEach((gap, i) => assert.ok(gap >= (expected[i] as number), `gap ${i + 1}: ${gap} ms`));
      assert.deepEqual(
        records.map((r) => r.number_of_failed_attempts),
        [1, 2, 3, 4, 5],
      );
      assert.equal(h.supervisor.status('crashes')?.crashes, 5);
      assert.ok(Date.now() - begun < 4_000);
    } finally {
      await h.supervisor.stopAll();
    }
  });

  it('hup_on_change delivers SIGHUP to the running process, once per change, without a restart', async () => {
    const h = harness();
    const conf = path.join(tmp, 'hup.rc');
    writeFileSync(conf, 'v1\n');
    const script = [
      `trap 'echo "hup $$" >> "$OUT"' HUP`,
      'echo "ready $$" >> "$OUT"',
      // wait is interrupted by a trapped signal, a foreground sleep would delay the trap
      'while :; do sleep 5 & wait $!; done',
    ].join('\n');
    h.supervisor.upsert(h.proc('hup', script, { hupOnChange: [conf] }));
    try {
      await waitUntil(() => h.lines().length === 1, 3_000, 'the trap');
      const pid = h.supervisor.status('hup')?.pid;
      assert.deepEqual(h.lines(), [`ready ${pid}`]);
      writeFileSync(`${conf}.new`, 'v2\n');
      renameSync(`${conf}.new`, conf); // as editors save
      await waitUntil(() => h.lines().length === 2, 3_000, 'the first SIGHUP');
      writeFileSync(conf, 'v3\n'); // in place
      await waitUntil(() => h.lines().length === 3, 3_000, 'the second SIGHUP');
      await sleep(200);
      assert.deepEqual(h.lines(), [`ready ${pid}`, `hup ${pid}`, `hup ${pid}`]);
      assert.equal(h.supervisor.status('hup')?.pid, pid);
      assert.equal(h.records.length, 0);
      assert.deepEqual(
        h.logger.messages('info').filter((m) => m.includes('SIGHUP')),
        [
          `proc hup: ${conf} changed: sent SIGHUP to pid ${pid}`,
          `proc hup: ${conf} changed: sent SIGHUP to pid ${pid}`,
        ],
      );
    } finally {
      await h.supervisor.stopAll();
    }
  });

  it('restart_on_change stops the group and starts a new process at once', async () => {
    const h = harness();
    const binary = path.join(tmp, 'server.bin');
    writeFileSync(binary, 'v1');
    h.supervisor.upsert(h.proc('restarts', 'echo "$$" >> "$OUT"; sleep 300 & wait', { restartOnChange: [binary] }), {
      atStartUp: true,
    });
    try {
      await waitUntil(() => h.lines().length === 1, 3_000, 'the first start');
      const oldPid = h.supervisor.status('restarts')?.pid as number;
      writeFileSync(`${binary}.new`, 'v2');
      renameSync(`${binary}.new`, binary);
      await waitUntil(() => h.lines().length === 2, 3_000, 'the restart');
      const newPid = h.supervisor.status('restarts')?.pid as number;
      assert.notEqual(newPid, oldPid);
      assert.equal(isProcessGone(oldPid), true);
      assert.equal(h.records.length, 1);
      const record = h.records[0] as StatusRecord;
      assert.equal(record.reason_for_run, 'proc started with the service');
      assert.equal(record.signal, 'SIGTERM');
      assert.equal(record.number_of_failed_attempts, 0);
      assert.ok(Math.abs(ms(record.next_run) - ms(record.ended_at)) < 100, 'restarts at once');
      await h.supervisor.stopAll();
      assert.equal(h.records[1]?.reason_for_run, `proc restarted: ${binary} changed`);
      assert.equal(h.records[1]?.next_run, null);
      assert.equal(h.supervisor.status('restarts')?.restarts, 1);
    } finally {
      await h.supervisor.stopAll();
    }
  });

  it('stopAll() stops the whole group (grandchild too), SIGKILLs one that ignores SIGTERM, and records both', async () => {
    const h = harness();
    const grandchildFile = path.join(tmp, 'grandchild.pid');
    h.supervisor.upsert(h.proc('tree', `sleep 300 & echo $! > "${grandchildFile}"; wait`));
    h.supervisor.upsert(h.proc('stubborn', `trap '' TERM; echo "$$" >> "$OUT"; while :; do sleep 1; done`));
    await waitUntil(() => existsSync(grandchildFile) && readFileSync(grandchildFile, 'utf8').endsWith('\n'));
    await waitUntil(() => h.lines().length === 1, 3_000, 'the TERM trap');
    const grandchild = Number(readFileSync(grandchildFile, 'utf8'));
    const tree = h.supervisor.status('tree')?.pid as number;
    const stubborn = h.supervisor.status('stubborn')?.pid as number;
    const begun = Date.now();
    await h.supervisor.stopAll();
    const took = Date.now() - begun;
    assert.ok(took >= KILL_GRACE_MS && took < KILL_GRACE_MS + 2_000, `stopAll took ${took} ms`);
    for (const pid of [tree, grandchild, stubborn]) assert.equal(isProcessGone(pid), true, `pid ${pid} is gone`);
    const byJob = new Map(h.records.map((r) => [r.job, r]));
    assert.equal(h.records.length, 2);
    assert.equal(byJob.get('tree')?.signal, 'SIGTERM');
    assert.equal(byJob.get('tree')?.forcefully_terminated, false);
    assert.equal(byJob.get('stubborn')?.signal, 'SIGKILL');
    assert.equal(byJob.get('stubborn')?.forcefully_terminated, true);
    assert.equal(byJob.get('tree')?.next_run, null);
    assert.deepEqual(
      h.supervisor.list().map((s) => [s.name, s.state, s.pid]),
      [
        ['stubborn', 'stopped', null],
        ['tree', 'stopped', null],
      ],
    );
  });

  it('an orphan left by a crashed service is stopped before the new copy starts; others are left alone', async () => {
    const h = harness();
    const startOrphan = (service: string, job: string, pidFile: string): number => {
      const child = spawn('/bin/sh', ['-c', `sleep 300 & echo $! > "${pidFile}"; wait`], {
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, PYCRON_SERVICE: service, PYCRON_JOB: job, PYCRON_PROC: '1' },
      });
      child.unref();
      leftovers.add(child.pid as number);
      return child.pid as number;
    };
    const files = ['orphan', 'other-job', 'other-service'].map((name) => path.join(tmp, `${name}.pid`));
    const orphan = startOrphan(h.serviceId, 'web', files[0] as string);
    const otherJob = startOrphan(h.serviceId, 'api', files[1] as string);
    const otherService = startOrphan('another-service', 'web', files[2] as string);
    await waitUntil(() => files.every((f) => existsSync(f) && readFileSync(f, 'utf8').endsWith('\n')));
    const orphanChild = Number(readFileSync(files[0] as string, 'utf8'));
    try {
      const started = h.events.once('run:started');
      h.supervisor.upsert(h.proc('web', 'sleep 300 & wait'), { atStartUp: true });
      const { pid } = await started;
      assert.equal(isProcessGone(orphan), true);
      assert.equal(isProcessGone(orphanChild), true);
      assert.notEqual(pid, orphan);
      assert.equal(isProcessGone(otherJob), false);
      assert.equal(isProcessGone(otherService), false);
      assert.deepEqual(h.logger.messages('warn'), [
        `proc web: a copy left by a previous service still runs (process group ${orphan}); stopping it before starting a new one`,
      ]);
    } finally {
      await h.supervisor.stopAll();
      killGroup(otherJob);
      killGroup(otherService);
    }
  });

  it('a proc that cannot be spawned is recorded with the reason, and retried', async () => {
    const h = harness();
    const missing = path.join(tmp, 'no-such-server');
    h.supervisor.upsert({ ...h.proc('missing', ''), command: { kind: 'exec', path: missing } });
    try {
      await waitUntil(() => h.records.length >= 2, 3_000, 'two failed starts');
      assert.equal(h.records[0]?.spawn_error, `cannot run ${missing}: no such file (ENOENT)`);
      assert.equal(h.records[0]?.pid, null);
      assert.equal(h.records[1]?.reason_for_run, 'proc restarted after it could not start');
    } finally {
      await h.supervisor.stopAll();
    }
  });

  it('stopAll() while a start waits for an orphan to stop: waits for it, and starts nothing', async () => {
    const h = harness();
    const child = spawn('/bin/sh', ['-c', `trap '' TERM; echo ready; while :; do sleep 1; done`], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, PYCRON_SERVICE: h.serviceId, PYCRON_JOB: 'slow', PYCRON_PROC: '1' },
    });
    leftovers.add(child.pid as number);
    await once(child.stdout, 'data'); // its trap is set
    child.stdout.destroy();
    let spawned = false;
    h.events.on('run:started', () => (spawned = true));
    h.supervisor.upsert(h.proc('slow', 'sleep 300'));
    await waitUntil(() => h.logger.messages('warn').length === 1, 3_000, 'the orphan to be found');
    const begun = Date.now();
    await h.supervisor.stopAll();
    const took = Date.now() - begun;
    assert.ok(took >= KILL_GRACE_MS - 50, `stopAll returned after ${took} ms, before the orphan was killed`);
    assert.equal(isProcessGone(child.pid as number), true);
    assert.equal(spawned, false);
    assert.equal(h.supervisor.status('slow')?.state, 'stopped');
    assert.deepEqual(h.logger.messages('warn').slice(1), [
      'proc slow: the old copy ignored SIGTERM and was killed (SIGKILL)',
    ]);
  });

  it('findProcOrphans finds a group whose leader exited and a child stayed', async () => {
    const serviceId = `leaderless-${process.pid}`;
    const child = spawn('/bin/sh', ['-c', 'sleep 300 & echo $!'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, PYCRON_SERVICE: serviceId, PYCRON_JOB: 'left', PYCRON_PROC: '1' },
    });
    const pgid = child.pid as number;
    leftovers.add(pgid);
    // NOTE: not 'close': the sleep holds the pipe. The first line, then the leader's exit.
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
    child.stdout.destroy();
    await exited;
    const sleeper = Number(chunk.toString().trim());
    try {
      assert.equal(isProcessGone(pgid), true);
      assert.equal(isProcessGone(sleeper), false);
      assert.deepEqual(findProcOrphans(serviceId, 'left'), [pgid]);
      assert.deepEqual(findProcOrphans(serviceId, 'left', new Set([pgid])), []);
      assert.deepEqual(findProcOrphans(serviceId, 'right'), []);
    } finally {
      killGroup(pgid);
    }
  });
});
