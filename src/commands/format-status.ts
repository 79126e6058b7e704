// `pycron status` for people: a header line (how the service was reached, pid, uptime, jobs), then one line per job
// like `pycron list` with what only the running service knows (paused, running), then the invalid job folders.
import type { JobView } from '../http/describe-job.ts';
import { alignColumns, type Cell } from './align-columns.ts';
import { formatDuration } from './format-duration.ts';
import { formatInstant } from './format-instant.ts';
import type { ServiceStatus } from './service-answer.ts';

export function formatStatus(status: ServiceStatus, via: string, colour: boolean): string {
  const invalid = status.diagnostics.filter((d) => d.severity === 'error');
  const lines = [
    `pycron${status.version === null ? '' : ` ${status.version}`} is running (pid ${status.pid}), up ` +
      `${formatDuration(status.uptime_s * 1000)}, ${plural(status.jobs.length, 'job')}` +
      `${invalid.length > 0 ? `, ${plural(invalid.length, 'problem')} in job folders` : ''}; reached on the ${via}`,
    '',
  ];
  const header: Cell[] = ['JOB', 'SCHEDULE', 'STATE', 'NEXT RUN', 'LAST RESULT'].map((text) => ({
    text,
    tone: 'bold',
  }));
  lines.push(...alignColumns([header, ...status.jobs.map(jobRow)], colour));
  if (status.jobs.length === 0) lines.push('(no jobs)');
  if (invalid.length > 0) {
    lines.push('', "Job folders not loaded ('pycron validate' checks them all):");
    for (const d of invalid) lines.push(`  ${d.path}: ${d.message}`);
  }
  return `${lines.join('\n')}\n`;
}

function jobRow(job: JobView): Cell[] {
  const next = job.next_runs[0];
  return [
    { text: job.name },
    { text: job.schedule },
    stateOf(job),
    { text: next === undefined ? '-' : formatInstant(Date.parse(next), job.timezone) },
    lastResultOf(job),
  ];
}

/** What the job is doing now: disabled, paused, running (how many copies) or the proc's state; else idle. */
function stateOf(job: JobView): Cell {
  const held = [...(job.enabled ? [] : ['disabled']), ...(job.paused ? ['paused'] : [])];
  let doing: string | undefined;
  if (job.proc) doing = job.proc.pid === null ? job.proc.state : `${job.proc.state} (pid ${job.proc.pid})`;
  else if (job.running > 0) doing = job.running === 1 ? 'running' : `running x${job.running}`;
  const text = [...held, ...(doing ? [doing] : [])].join(', ') || 'idle';
  if (held.length > 0) return { text, tone: 'yellow' };
  return job.running > 0 || job.proc?.state === 'running' ? { text, tone: 'green' } : { text };
}

function lastResultOf(job: JobView): Cell {
  const last = job.last_result;
  if (!last) return { text: 'never ran' };
  const at = formatInstant(Date.parse(last.ended_at), job.timezone);
  if (last.ok) return { text: `ok ${at}`, tone: 'green' };
  const streak = job.failures > 1 ? `, ${job.failures} failures in a row` : '';
  return { text: `failed (exit ${last.exit_code ?? 'none'}) ${at}${streak}`, tone: 'red' };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
