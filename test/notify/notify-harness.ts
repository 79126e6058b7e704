// Test helpers for notifications: a real SMTP server and a real HTTP receiver on 127.0.0.1 port 0, status records
// for literal runs, and a Notifier on a bus.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { ServiceEventBus } from '../../src/events.ts';
import { defaultJobOptions, type JobOptions } from '../../src/jobs/job-options.ts';
import type { JobSpec } from '../../src/jobs/job-spec.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import { Notifier, type NotifierDeps } from '../../src/notify/notifier.ts';
import type { MailSettings } from '../../src/notify/send-mail.ts';
import type { RunResult } from '../../src/runner/run-result.ts';
import type { Firing } from '../../src/scheduler/firing.ts';
import { buildStatusRecord, type StatusRecord } from '../../src/statuslog/status-record.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { makeJob } from '../support/make-job.ts';

export const t = (iso: string): number => Date.parse(iso);

export function notifyJob(name: string, schedule: string, options: Partial<JobOptions>): JobSpec {
  return makeJob(name, schedule, { options: { ...defaultJobOptions(`/jobs/${name}`, name), ...options } });
}

export interface RunShape {
  scheduledAt: string;
  startedAt?: string;
  durationMs?: number;
  exitCode?: number | null;
  stdout?: string;
  stderr?: string;
  failedAttempts?: number;
  runId?: string;
}

/** The payload of run:finished for a run of `job` shaped as `run` says. */
export function finishedRun(job: JobSpec, run: RunShape): { firing: Firing; result: RunResult; record: StatusRecord } {
  const startedAt = t(run.startedAt ?? run.scheduledAt);
  const durationMs = run.durationMs ?? 1500;
  const exitCode = run.exitCode === undefined ? 0 : run.exitCode;
  const result: RunResult = {
    runId: run.runId ?? `run-${startedAt}`,
    job: job.name,
    exitCode,
    signal: null,
    timedOut: false,
    forcefullyTerminated: false,
    error: null,
    pid: 4242,
    startedAt,
    endedAt: startedAt + durationMs,
    durationMs,
    stdout: run.stdout ?? '',
    stderr: run.stderr ?? '',
    outputTruncated: false,
    errorTruncated: false,
  };
  const firing: Firing = {
    job: job.name,
    scheduledAt: t(run.scheduledAt),
    reason: 'schedule',
    attempt: 1,
    collapsedSlots: 0,
    args: [],
  };
  const record = buildStatusRecord({
    job: { name: job.name, file: job.file },
    result,
    scheduledAt: firing.scheduledAt,
    reasonForRun: 'scheduled',
    failedAttempts: run.failedAttempts ?? (exitCode === 0 ? 0 : 1),
    nextRun: t(run.scheduledAt) + 86_400_000,
    host: 'db1',
  });
  return { firing, result, record };
}

export function mailSettings(overrides: Partial<MailSettings> = {}): MailSettings {
  return { smtpHost: '127.0.0.1', smtpSecure: 'auto', ...overrides };
}

/** A bus, a logger and a Notifier on a FakeClock; `deps` override the defaults. */
export function notifierOn(start: string, deps: Partial<NotifierDeps> = {}) {
  const clock = new FakeClock(start);
  const logger = new MemoryServiceLogger({ now: () => clock.now() });
  const events = new ServiceEventBus((event, error) => logger.error(`listener of ${event} failed: ${String(error)}`));
  const notifier = new Notifier({
    events,
    clock,
    logger,
    host: 'db1',
    mailSettings: () => mailSettings(),
    ...deps,
  });
  return { clock, logger, events, notifier };
}

export interface ReceivedMail {
  from: string | false;
  to: string[];
  user: string | undefined;
  headers: Map<string, string>;
  body: string;
}

/** A real SMTP server on 127.0.0.1 port 0 (no TLS), with a login when `login` is given. */
export async function startSmtpReceiver(login?: { user: string; pass: string }) {
  const mails: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    disabledCommands: login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !login,
    logger: false,
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.user && auth.password === login.pass)
        callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const { headers, body } = parseMessage(Buffer.concat(chunks).toString('utf8'));
        mails.push({
          from: session.envelope.mailFrom && session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          headers,
          body,
        });
        for (const wake of waiters.splice(0)) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    /** Resolves when `count` mails have arrived; rejects after `timeoutMs`. */
    async received(count: number, timeoutMs = 30_000): Promise<ReceivedMail[]> {
      await arrivals(
        () => mails.length >= count,
        waiters,
        timeoutMs,
        () => `${count} mail(s), got ${mails.length}`,
      );
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Waits until `done()`, looking again at each wake-up from `waiters`. NOTE: a delivery whose first attempt failed is
 * retried on the FakeClock, which moves only when a test says so: without a deadline that wait would never end.
 */
async function arrivals(
  done: () => boolean,
  waiters: (() => void)[],
  timeoutMs: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Headers (unfolded, names in lower case) and the body, quoted-printable decoded when it is so encoded. */
function parseMessage(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.slice(split + 4);
  if (headers.get('content-transfer-encoding') === 'quoted-printable') {
    const bytes = body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    body = Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return { headers, body: body.replace(/\r\n/g, '\n') };
}

export interface ReceivedPost {
  headers: http.IncomingHttpHeaders;
  json: Record<string, unknown>;
}

/** A real HTTP server on 127.0.0.1 port 0 that answers each POST with the next status of `statuses` (then 200). */
export async function startWebhookReceiver(statuses: number[] = []) {
  const posts: ReceivedPost[] = [];
  const answered: number[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = statuses.shift() ?? 200;
      answered.push(status);
      if (status === 200)
        posts.push({ headers: request.headers, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      response.writeHead(status).end(status === 200 ? 'ok' : 'no');
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    /** The status of every request answered so far. */
    answered,
    /** Resolves when `count` requests have been answered; rejects after `timeoutMs`. */
    async requests(count: number, timeoutMs = 30_000): Promise<void> {
      await arrivals(
        () => answered.length >= count,
        waiters,
        timeoutMs,
        () => `${count} webhook request(s), got ${answered.length}`,
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
