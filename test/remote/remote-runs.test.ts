// Remote runs end to end, against the real PostgreSQL and RabbitMQ: the real service publishes, real
// `pycron worker` processes run; each test has its own schema, exchange and queue names.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import type { PgDatabase } from '../../src/cluster/pg-database.ts';
import { readStatusRecords, ServiceProcess, waitFor } from '../support/cli-process.ts';
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from '../cluster/cluster-database.ts';
import { requireServer } from '../triggers/trigger-servers.ts';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672/';

interface Setup {
  root: string;
  config: string;
  logs: string;
  queue: string;
}

describe('remote runs over RabbitMQ (service + pycron worker, real servers)', () => {
  let schema: TestSchema;
  let root: string;
  let db: PgDatabase;
  const suffix = randomBytes(4).toString('hex');
  const exchange = `pycron_test_${suffix}`;
  const results = `pycron_test_results_${suffix}`;
  const queues = [`pycron_test_q_${suffix}`, `pycron_test_slow_${suffix}`];
  const processes: ServiceProcess[] = [];

  before(async () => {
    await requireServer('RabbitMQ', { host: '127.0.0.1', port: 5672 }, 'rabbitmq-server -detached');
    schema = await createTestSchema('remote');
    db = schema.open();
    root = mkdtempSync(join(tmpdir(), 'pycron-remote-'));
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    const connection = await amqp.connect(AMQP_URL);
    const channel = await connection.createChannel();
    for (const queue of [...queues, `${results}.service`]) await channel.deleteQueue(queue).catch(() => {});
    await channel.deleteExchange(exchange).catch(() => {});
    await connection.close();
    await schema?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function setUp(name: string, jobs: Record<string, string>): Setup {
    const folder = join(root, name);
    for (const [job, ini] of Object.entries(jobs)) {
      mkdirSync(join(folder, 'jobs', job), { recursive: true });
      writeFileSync(join(folder, 'jobs', job, 'job.ini'), ini);
    }
    const config = join(folder, 'config.ini');
    writeFileSync(
      config,
      [
        '[Timings]',
        'JOB_FAIL_TIMEOUT_PERIOD_MINUTES = 60',
        '[Folders]',
        'JOBS_FOLDER = jobs',
        'LOGS_FOLDER = logs',
        'PERSISTENCE_FILE = state.json',
        '[HTTP]',
        'LISTEN = off',
        '[Cluster]',
        `DATABASE_URL = ${TEST_DATABASE_URL}`,
        `SCHEMA = ${schema.name}`,
        'INSTANCE_ID = service',
        '[AMQP]',
        `URL = ${AMQP_URL}`,
        `EXCHANGE = ${exchange}`,
        `RESULTS_QUEUE = ${results}`,
        '',
      ].join('\n'),
    );
    return { root: folder, config, logs: join(folder, 'logs'), queue: '' };
  }

  function start(args: string[]): ServiceProcess {
    const process = new ServiceProcess(args);
    processes.push(process);
    return process;
  }

  it('a worker runs the job and its output lands in the service status log; an unroutable key is a failed run', async () => {
    const queue = queues[0]!;
    const setup = setUp('basic', {
      echo: `schedule = every 1s\ncommand = echo "ran on $PYCRON_WORKER"\nrouting_key = ${queue}\n`,
      lost: `schedule = every 1s\ncommand = echo never\nrouting_key = nobody_${suffix}\n`,
    });
    const worker = start(['worker', '--queue', queue, '--id', 'w-basic', '-c', setup.config]);
    await worker.waitForLog(/consuming/);
    const service = start(['-c', setup.config]);
    try {
      const ran = await waitFor(
        () => readStatusRecords(setup.logs).find((r) => r.job === 'echo' && r.ok === true),
        20_000,
        'a run of echo by the worker',
      );
      assert.equal(ran.output, 'ran on w-basic\n');
      const lost = await waitFor(
        () => readStatusRecords(setup.logs).find((r) => r.job === 'lost'),
        20_000,
        'the unroutable run',
      );
      assert.equal(lost.ok, false);
      assert.match(String(lost.error), new RegExp(`no worker queue is bound for routing key 'nobody_${suffix}'`));
      const rows = await db.query<{ status: string; worker: string | null }>(
        `SELECT status, worker FROM remote_runs WHERE run_id = $1`,
        [ran.run_id as string],
      );
      assert.deepEqual(rows, [{ status: 'finished', worker: 'w-basic' }]);
    } finally {
      service.signal('SIGTERM');
      worker.signal('SIGTERM');
      assert.equal(await service.exit(), 0);
      assert.equal(await worker.exit(), 0);
    }
  });

  it('a worker killed mid-run: the run is redelivered, not run again, and has exactly one result', async () => {
    const queue = queues[1]!;
    const marker = join(root, 'slow-runs');
    const setup = setUp('killed', {
      slow: `schedule = @reboot\ncommand = echo "$PYCRON_RUN_ID" >> ${marker} && sleep 4\nrouting_key = ${queue}\n`,
    });
    const first = start(['worker', '--queue', queue, '--id', 'w-first', '-c', setup.config]);
    await first.waitForLog(/consuming/);
    const service = start(['-c', setup.config]);
    try {
      const runId = await waitFor(
        () => (existsSync(marker) ? readFileSync(marker, 'utf8').trim() || undefined : undefined),
        20_000,
        'the slow run to start on the first worker',
      );
      first.signal('SIGKILL');
      await first.exit();
      const second = start(['worker', '--queue', queue, '--id', 'w-second', '-c', setup.config]);
      await second.waitForLog(/interrupted: worker w-first took this run and went away/, 20_000);
      const record = await waitFor(
        () => readStatusRecords(setup.logs).find((r) => r.run_id === runId),
        20_000,
        'the record of the interrupted run',
      );
      assert.equal(record.ok, false);
      assert.match(String(record.error), /interrupted: worker w-first took this run and went away/);
      // The orphaned job finishes its sleep on the first worker's host: it still ran once.
      await new Promise((resolve) => setTimeout(resolve, 4500));
      assert.equal(readFileSync(marker, 'utf8').trim().split('\n').length, 1, 'the job ran once');
      assert.equal(readStatusRecords(setup.logs).filter((r) => r.run_id === runId).length, 1, 'one result');
      const rows = await db.query<{ status: string; worker: string }>(
        `SELECT status, worker FROM remote_runs WHERE run_id = $1`,
        [runId],
      );
      assert.deepEqual(rows, [{ status: 'interrupted', worker: 'w-first' }]);
      second.signal('SIGTERM');
      assert.equal(await second.exit(), 0);
    } finally {
      service.signal('SIGTERM');
      assert.equal(await service.exit(), 0);
    }
  });
});
