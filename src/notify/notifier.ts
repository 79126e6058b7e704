// Tells people about runs: listens to the service's events, decides per job (decide-notification.ts), writes the
// mail or webhook body and hands it to the delivery queue. Nothing here waits on the network or throws into the bus.
import type { Clock } from '../clock.ts';
import { zoneOf } from '../commands/format-instant.ts';
import type { ServiceEventBus } from '../events.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { formatDelay } from '../procs/describe-proc-exit.ts';
import { nextSlot } from '../scheduler/next-slot.ts';
import type { StatusRecord } from '../statuslog/status-record.ts';
import {
  decideNotification,
  effectiveNotifyOn,
  type JobHealth,
  type NotificationDecision,
} from './decide-notification.ts';
import { DeliveryQueue, type DeliveryQueueOptions } from './delivery-queue.ts';
import { formatMail } from './format-mail.ts';
import { LateWatch, type LateSlot, type NextSlotOf } from './late-watch.ts';
import type { Notice } from './notice.ts';
import { webhookOrigin } from './notify-values.ts';
import { postWebhook, type PostWebhook } from './post-webhook.ts';
import { defaultMailFrom, smtpMailer, type MailSettings, type SendMail } from './send-mail.ts';
import { webhookPayload } from './webhook-payload.ts';

export interface NotifierDeps {
  events: ServiceEventBus;
  clock: Clock;
  logger: ServiceLogger;
  /** config.ini [Mail], read at each mail so that a reload (SIGHUP) takes effect. */
  mailSettings: () => MailSettings;
  /** This host's name, for subjects and late notices. */
  host: string;
  /** A job by name (the catalog), for runs of jobs this notifier has not seen added. */
  lookupJob?: (name: string) => JobSpec | undefined;
  /** Whether a job is paused (the state file); later changes come as job:paused events. */
  isPaused?: (name: string) => boolean;
  /** The last run's outcome from the state file, so that the first success after a restart can be a recovery. */
  lastOutcomeOf?: (name: string) => 'success' | 'failure' | undefined;
  /** Default: the first slot of the job's schedules after the instant (scheduler/next-slot.ts). */
  nextSlotOf?: NextSlotOf;
  /** Default: SMTP per mailSettings, with nodemailer. */
  sendMail?: SendMail;
  /** Default: an HTTP POST with a 10 s limit. */
  postWebhook?: PostWebhook;
  queue?: Omit<DeliveryQueueOptions, 'clock' | 'logger'>;
}

export class Notifier implements AsyncDisposable {
  private readonly deps: NotifierDeps;
  private readonly jobs = new Map<string, JobSpec>();
  private readonly health = new Map<string, JobHealth>();
  private readonly queue: DeliveryQueue;
  private readonly late: LateWatch;
  private readonly sendMail: SendMail;
  private readonly postWebhook: PostWebhook;
  private readonly unsubscribe: (() => void)[];

  constructor(deps: NotifierDeps) {
    this.deps = deps;
    this.queue = new DeliveryQueue({ clock: deps.clock, logger: deps.logger, ...deps.queue });
    this.sendMail = deps.sendMail ?? smtpMailer(deps.mailSettings);
    this.postWebhook = deps.postWebhook ?? postWebhook;
    this.late = new LateWatch({
      clock: deps.clock,
      nextSlotOf: deps.nextSlotOf ?? nextSlot,
      onLate: (late) => this.guard(`late check of ${late.job.name}`, () => this.lateSlot(late)),
    });
    const { events } = deps;
    this.unsubscribe = [
      events.on('job:added', ({ job }) => this.upsert(job)),
      events.on('job:changed', ({ job }) => this.upsert(job)),
      events.on('job:removed', ({ job }) => this.remove(job.name)),
      events.on('job:paused', ({ job, paused }) => this.late.setPaused(job, paused)),
      events.on('run:started', ({ firing, runId }) => {
        this.seedHealth(firing.job);
        this.late.runStarted(firing.job, runId, firing.scheduledAt, deps.clock.now());
      }),
      events.on('run:finished', ({ record, firing }) =>
        this.guard(`notification for ${record.job}`, () => this.runFinished(record, firing.scheduledAt)),
      ),
    ];
  }

  /** Starts or updates what is known of a job (job:added and job:changed do this). */
  upsert(job: JobSpec): void {
    this.jobs.set(job.name, job);
    this.seedHealth(job.name);
    this.late.upsert(job);
    if (this.deps.isPaused?.(job.name)) this.late.setPaused(job.name, true);
  }

  remove(name: string): void {
    this.jobs.delete(name);
    this.health.delete(name);
    this.late.remove(name);
  }

  /** Resolves when no delivery is being sent or ready to send (retries may still wait for their time). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Stops listening; deliveries ready now get `graceMs` to go out, waiting retries are dropped (logged). */
  async close(graceMs = 5000): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    this.late.close();
    await this.queue.close(graceMs);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private runFinished(record: StatusRecord, scheduledAt: number): void {
    const job = this.jobs.get(record.job) ?? this.deps.lookupJob?.(record.job);
    this.late.runEnded(record.job, {
      runId: record.run_id,
      scheduledAt,
      startedAt: Date.parse(record.begun_at),
      endedAt: Date.parse(record.ended_at),
      ok: record.ok,
    });
    let previous = this.health.get(record.job) ?? 'unknown';
    // Nothing known yet (a restart): a failure that is not the first in a row follows a failure.
    if (previous === 'unknown' && !record.ok && record.number_of_failed_attempts > 1) previous = 'failing';
    const quiet = record.output === '' && record.error === '';
    const notifyOn = job ? effectiveNotifyOn(job.options) : [];
    const decision = decideNotification(previous, { kind: 'run', ok: record.ok, quiet }, notifyOn);
    this.health.set(record.job, decision.health);
    if (!job || decision.kind === undefined || decision.kind === 'late') return;
    this.deliver(job, { kind: decision.kind, record, title: job.options.title, zone: zoneOf(job) }, decision);
  }

  private lateSlot(late: LateSlot): void {
    const { job } = late;
    const previous = this.health.get(job.name) ?? 'unknown';
    const decision = decideNotification(previous, { kind: 'late' }, effectiveNotifyOn(job.options));
    this.health.set(job.name, decision.health);
    if (decision.kind !== 'late') return;
    const lateAfterMs = job.options.lateAfterMs ?? 0;
    this.deps.logger.warn(
      `${job.name}: late: no successful run within ${formatDelay(lateAfterMs)} of its slot ${new Date(late.slot).toISOString()}`,
    );
    const notice: Notice = {
      kind: 'late',
      job: job.name,
      title: job.options.title,
      zone: zoneOf(job),
      host: this.deps.host,
      slot: late.slot,
      deadline: late.deadline,
      lateAfterMs,
      state: late.state,
      lastSuccessAt: late.lastSuccessAt,
    };
    this.deliver(job, notice, decision);
  }

  private deliver(job: JobSpec, notice: Notice, decision: NotificationDecision): void {
    const { mailTo, mailFrom, webhookUrl } = job.options;
    const about = `about ${job.name} (${notice.kind})`;
    if (decision.mail && mailTo.length > 0) {
      const content = formatMail(notice);
      const from = mailFrom ?? defaultMailFrom(this.deps.mailSettings(), this.deps.host);
      const to = [...mailTo];
      this.queue.enqueue({
        label: `mail to ${to.join(', ')} ${about}`,
        send: () => this.sendMail({ ...content, from, to, event: notice.kind }),
      });
    }
    if (decision.webhook && webhookUrl !== undefined) {
      const body = webhookPayload(notice);
      this.queue.enqueue({
        label: `webhook ${webhookOrigin(webhookUrl)} ${about}`,
        send: () => this.postWebhook(webhookUrl, body, notice.kind),
      });
    }
  }

  /** The state file's word on a job before this service saw it run. */
  private seedHealth(name: string): void {
    if (this.health.has(name)) return;
    const last = this.deps.lastOutcomeOf?.(name);
    if (last !== undefined) this.health.set(name, last === 'failure' ? 'failing' : 'up');
  }

  /** A notification problem is logged; it never reaches the scheduler. */
  private guard(what: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.deps.logger.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
