// Instances of one cluster for end-to-end tests: each a real `pycron` service process in a folder of its own, with
// the same jobs ("deployed alike"), sharing one PostgreSQL schema.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceProcess } from '../support/cli-process.ts';
import { TEST_DATABASE_URL } from './cluster-database.ts';

export interface ClusterJob {
  name: string;
  schedule: string;
  /** The body of run.sh (a #!/bin/sh script). */
  script: string;
  /** job.ini lines, if any. */
  ini?: string;
}

export class ClusterInstance {
  readonly name: string;
  readonly folder: string;
  process: ServiceProcess | undefined;
  /** Every log of every start, for a failing test to show. */
  log = '';

  constructor(name: string, folder: string) {
    this.name = name;
    this.folder = folder;
  }

  get config(): string {
    return join(this.folder, 'config.ini');
  }

  /** Starts the service; resolves once it has joined the cluster. */
  async start(timeoutMs = 20_000): Promise<void> {
    if (this.process) this.log += this.process.stderr;
    this.process = new ServiceProcess(['-c', this.config]);
    await this.process.waitForLog(/cluster: joined as/, timeoutMs);
  }

  /** The HTTP API's base URL (layouts with httpToken), once it listens. */
  async httpUrl(timeoutMs = 10_000): Promise<string> {
    if (!this.process) throw new Error(`${this.name} is not started`);
    const line = await this.process.waitForLog(/HTTP API listening on http:\/\/127\.0\.0\.1:\d+/, timeoutMs);
    return /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0] ?? '';
  }

  /** kill -9, and waits for the exit. */
  async crash(): Promise<void> {
    const running = this.process;
    if (!running) return;
    running.signal('SIGKILL');
    await running.exit();
  }

  /** SIGTERM, and waits for the exit code. */
  async stop(): Promise<number | null> {
    const running = this.process;
    if (!running) return null;
    running.signal('SIGTERM');
    return running.exit();
  }

  /** Everything it logged, across restarts. */
  allLogs(): string {
    return this.log + (this.process?.stderr ?? '');
  }
}

export interface ClusterLayout {
  root: string;
  schema: string;
  instances: number;
  jobs: readonly ClusterJob[];
  /** Extra [Cluster] lines (LEASE = ...). */
  clusterLines?: readonly string[];
  /** [Timings] lines, instead of the defaults. */
  timings?: readonly string[];
  /** More sections at the end ([AMQP], [Ticks]...). */
  extraSections?: readonly string[];
  /** Each instance serves the HTTP API on a port of its own, with this token; default: no HTTP. */
  httpToken?: string;
}

/** Writes one folder per instance (node1, node2...) with the same jobs and config; the instances, not started. */
export function writeClusterInstances(layout: ClusterLayout): ClusterInstance[] {
  return Array.from({ length: layout.instances }, (_, i) => {
    const name = `node${i + 1}`;
    const folder = join(layout.root, name);
    mkdirSync(join(folder, 'jobs'), { recursive: true });
    for (const job of layout.jobs) {
      const dir = join(folder, 'jobs', job.name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'run.sh'), `#!/bin/sh\n${job.script}\n`, { mode: 0o755 });
      writeFileSync(join(dir, 'schedule'), `${job.schedule}\n`);
      if (job.ini) writeFileSync(join(dir, 'job.ini'), job.ini);
    }
    writeFileSync(
      join(folder, 'config.ini'),
      [
        '[Timings]',
        ...(layout.timings ?? [
          'JOB_FAIL_TIMEOUT_PERIOD_MINUTES = 60',
          'SHUTDOWN_GRACE_SECONDS = 5',
          'KILL_GRACE_SECONDS = 1',
        ]),
        '[Folders]',
        'JOBS_FOLDER = jobs',
        'LOGS_FOLDER = logs',
        'PERSISTENCE_FILE = state.json',
        '[HTTP]',
        ...(layout.httpToken ? ['LISTEN = 127.0.0.1:0', `TOKEN = ${layout.httpToken}`] : ['LISTEN = off']),
        '[Logging]',
        'LOG_LEVEL = INFO',
        '[Cluster]',
        `DATABASE_URL = ${TEST_DATABASE_URL}`,
        `SCHEMA = ${layout.schema}`,
        `INSTANCE_ID = ${name}`,
        ...(layout.clusterLines ?? []),
        ...(layout.extraSections ?? []),
        '',
      ].join('\n'),
    );
    return new ClusterInstance(name, folder);
  });
}
