// The mail for a notification: a subject naming job, outcome and host, and a plain-text body with why the job ran,
// its times, its exit, and its output and errors (bounded).
import { formatInstant } from '../commands/format-instant.ts';
import { formatDelay } from '../procs/describe-proc-exit.ts';
import type { StatusRecord } from '../statuslog/status-record.ts';
import { boundText } from './bound-text.ts';
import type { LateNotice, Notice, RunNotice } from './notice.ts';

export interface MailContent {
  subject: string;
  text: string;
}

export function formatMail(notice: Notice): MailContent {
  return notice.kind === 'late' ? formatLateMail(notice) : formatRunMail(notice);
}

/** How a failed run ended, in a few words: 'exit code 3', 'timed out after 5 min', 'killed by SIGKILL'. */
export function describeRunEnd(record: StatusRecord): string {
  if (record.timed_out) return `timed out after ${formatDelay(record.duration_ms)}`;
  if (record.status_code === null && record.signal === null && record.spawn_error !== null) return 'could not start';
  if (record.signal !== null) return `killed by ${record.signal}`;
  if (record.status_code !== null && record.status_code !== 0) return `exit code ${record.status_code}`;
  return record.spawn_error ?? 'failed';
}

function formatRunMail(notice: RunNotice): MailContent {
  const { record } = notice;
  const outcome =
    notice.kind === 'failure'
      ? `failed: ${describeRunEnd(record)}`
      : notice.kind === 'recovery'
        ? 'recovered: succeeded after failing'
        : 'succeeded';
  const subjectOutcome = notice.kind === 'failure' ? outcome : notice.kind === 'recovery' ? 'recovered' : outcome;
  const at = (iso: string): string => formatInstant(Date.parse(iso), notice.zone);
  const failedRuns =
    record.number_of_failed_attempts > 1 ? ` (${record.number_of_failed_attempts} failed runs in a row)` : '';
  const fields: [string, string][] = [
    ['Job', jobLabel(record.job, notice.title)],
    ['Outcome', `${outcome}${failedRuns}`],
    ['Host', record.host],
    ['Why it ran', record.reason_for_run],
    ['Slot', at(record.scheduled_at)],
    ['Started', at(record.begun_at)],
    ['Ended', at(record.ended_at)],
    ['Duration', formatDelay(record.duration_ms)],
    ['Exit code', record.status_code === null ? 'none' : String(record.status_code)],
  ];
  if (record.signal !== null) fields.push(['Signal', record.signal]);
  if (record.args.length > 0) fields.push(['Arguments', record.args.join(' ')]);
  fields.push(['Next run', record.next_run === null ? 'none' : at(record.next_run)]);
  fields.push(['Run id', record.run_id]);
  fields.push(['File', record.file]);
  const text = [
    table(fields),
    '',
    outputBlock('stdout', record.output, record.output_truncated),
    outputBlock('stderr', record.error, record.error_truncated),
  ].join('\n');
  return { subject: subject(record.job, subjectOutcome, record.host), text };
}

function formatLateMail(notice: LateNotice): MailContent {
  const at = (ms: number): string => formatInstant(ms, notice.zone);
  const state =
    notice.state.kind === 'not-started'
      ? 'no run has started since the slot'
      : notice.state.kind === 'running'
        ? `a run started at ${at(notice.state.startedAt)} and is still running`
        : `the run for this slot failed (ended ${at(notice.state.endedAt)})`;
  const fields: [string, string][] = [
    ['Job', jobLabel(notice.job, notice.title)],
    ['Outcome', `late: no successful run within ${formatDelay(notice.lateAfterMs)} of its slot`],
    ['Host', notice.host],
    ['Slot', at(notice.slot)],
    ['Due by', at(notice.deadline)],
    ['Now', state],
    [
      'Last success',
      notice.lastSuccessAt === undefined ? 'none seen since the service started' : at(notice.lastSuccessAt),
    ],
  ];
  const text = `${table(fields)}\n\nThis is said once; the next successful run sends a recovery notice.\n`;
  return { subject: subject(notice.job, 'late', notice.host), text };
}

function subject(job: string, outcome: string, host: string): string {
  // NOTE: a header holds one line: a control character in a job name must not start another header.
  // eslint-disable-next-line no-control-regex
  return `[pycron] ${job} ${outcome} on ${host}`.replace(/[\x00-\x1f\x7f]+/g, ' ');
}

function jobLabel(name: string, title: string): string {
  return title === name ? name : `${name} (${title})`;
}

function table(fields: readonly [string, string][]): string {
  const width = Math.max(...fields.map(([label]) => label.length)) + 2;
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`).join('\n');
}

function outputBlock(name: string, text: string, truncatedByCapture: boolean): string {
  if (text === '') return `----- ${name}: empty -----\n`;
  const bounded = boundText(text);
  const notes = [
    truncatedByCapture ? 'cut at capture by OUTPUT_CAPTURE_BYTES' : '',
    bounded.cut > 0 ? `${bounded.cut} characters cut for this mail; the status log has the rest` : '',
  ].filter((note) => note !== '');
  const head = `----- ${name}${notes.length > 0 ? ` (${notes.join('; ')})` : ''} -----`;
  return `${head}\n${bounded.text}${bounded.text.endsWith('\n') ? '' : '\n'}`;
}
