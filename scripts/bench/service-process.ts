// The real pycron service (`node bin/pycron.js -c CONFIG`) as a child process, with its log lines timestamped.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYCRON_BIN = fileURLToPath(new URL('../../bin/pycron.js', import.meta.url));

export interface LogLine {
  text: string;
  /** The instant the service wrote on the line (its ISO prefix), or NaN. */
  loggedAt: number;
  /** When the bench received the line (Date.now()). */
  receivedAt: number;
}

const live = new Set<ServiceProcess>();

/** Kills every service still running (called on exit and on Ctrl-C, so no benchmark leaves one behind). */
export function killAllServices(): void {
  for (const service of live) service.child.kill('SIGKILL');
}

export class ServiceProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly spawnedAt: number;
  readonly lines: LogLine[] = [];
  private partial = '';
  private waiters: (() => void)[] = [];
  readonly exited: Promise<void>;

  constructor(config: string, env: NodeJS.ProcessEnv = {}) {
    this.spawnedAt = Date.now();
    this.child = spawn(process.execPath, [PYCRON_BIN, '-c', config], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (this.child.pid === undefined) throw new Error(`could not start ${PYCRON_BIN}`);
    this.pid = this.child.pid;
    live.add(this);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', () => {
        live.delete(this);
        this.notify();
        resolve();
      }),
    );
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => this.receive(chunk));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private receive(chunk: string): void {
    const receivedAt = Date.now();
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const text of parts) this.lines.push({ text, loggedAt: Date.parse(text.slice(0, 24)), receivedAt });
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** The first line (from index `from`) matching `pattern`; rejects after `timeoutMs` or if the service exits. */
  async waitForLine(pattern: RegExp, timeoutMs: number, from = 0): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (let i = from; ;) {
      for (; i < this.lines.length; i++) if (pattern.test(this.lines[i]!.text)) return this.lines[i]!;
      if (!this.running) throw new Error(`the service exited before logging ${pattern}; log:\n${this.logTail()}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no service log line matching ${pattern} within ${timeoutMs} ms; log:\n${this.logTail()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  logTail(lines = 20): string {
    return [...this.lines.slice(-lines).map((l) => l.text), this.partial].join('\n');
  }

  /** Graceful stop (SIGTERM), then SIGKILL if it takes longer than `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async kill9(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}
