// One job in the list: its state, name, schedule in words, countdown, last result, recent runs and buttons.
import { el } from './el.js';
import { formatAgo, formatCountdown, formatDuration, formatTime } from './format.js';
import { jobState, STATE_WORDS } from './job-state.js';
import { runStrip } from './run-strip.js';

export function jobRow(job, onAction, now = Date.now()) {
  const state = jobState(job);
  const href = `#/jobs/${encodeURIComponent(job.name)}`;
  const warnings = job.diagnostics.length;
  return el(
    'div',
    { class: 'job-row', role: 'row', dataset: { job: job.name, state } },
    el('span', { class: `dot dot-${state}`, title: STATE_WORDS[state], role: 'img', 'aria-label': STATE_WORDS[state] }),
    el(
      'div',
      { class: 'job-name', role: 'cell' },
      el(
        'div',
        { class: 'name-line' },
        el('a', { href, class: 'name' }, job.name),
        warnings > 0
          ? el(
              'span',
              { class: 'badge badge-warn', title: job.diagnostics.map((d) => d.message).join('\n') },
              `${warnings} ⚠`,
            )
          : null,
      ),
      job.title && job.title !== job.name ? el('span', { class: 'job-title' }, job.title) : null,
    ),
    el('div', { class: 'job-schedule', role: 'cell', title: `time zone: ${job.timezone}` }, job.schedule),
    el('div', { class: 'job-next', role: 'cell' }, nextText(job, now)),
    el('div', { class: 'job-last', role: 'cell' }, lastResult(job, now)),
    el('div', { class: 'job-strip', role: 'cell' }, runStrip(job, now)),
    el('div', { class: 'job-actions', role: 'cell' }, actionButtons(job, onAction)),
  );
}

/** The countdown cell's content; also what the once-a-second ticker writes. */
export function nextText(job, now) {
  if (job.type === 'proc') {
    const proc = job.proc;
    return el(
      'span',
      { class: 'muted' },
      proc ? `proc ${proc.state}${proc.restarts ? ` · ${proc.restarts} restarts` : ''}` : 'proc',
    );
  }
  if (job.paused) return el('span', { class: 'muted' }, 'paused');
  if (!job.enabled) return el('span', { class: 'muted' }, 'disabled');
  const next = job.next_runs[0];
  if (!next) return el('span', { class: 'muted' }, 'no next run');
  const at = Date.parse(next);
  return el(
    'span',
    { class: 'countdown', title: `next run ${formatTime(at, now)}`, dataset: { at: String(at) } },
    formatCountdown(at, now),
  );
}

export function lastResult(job, now) {
  const last = job.last_result;
  if (!last) return el('span', { class: 'muted' }, 'never run');
  const ended = Date.parse(last.ended_at);
  const badge = last.ok
    ? el('span', { class: 'badge badge-ok' }, 'ok')
    : el('span', { class: 'badge badge-failed' }, last.exit_code === null ? 'failed' : `exit ${last.exit_code}`);
  return [
    badge,
    el('span', { class: 'ago', title: formatTime(ended, now), dataset: { at: String(ended) } }, formatAgo(ended, now)),
    el('span', { class: 'muted' }, ` · ${formatDuration(last.duration_ms)}`),
    job.failures > 1 ? el('span', { class: 'failures', title: 'failed runs in a row' }, ` ×${job.failures}`) : null,
  ];
}

export function actionButtons(job, onAction) {
  const run = el(
    'button',
    {
      type: 'button',
      class: 'small',
      title: 'Run now (through the overlap policy)',
      onclick: () => onAction(job.name, 'run'),
    },
    '▶ Run',
  );
  const toggle = job.paused
    ? el(
        'button',
        { type: 'button', class: 'small', title: 'Resume scheduled runs', onclick: () => onAction(job.name, 'resume') },
        'Resume',
      )
    : el(
        'button',
        {
          type: 'button',
          class: 'small ghost',
          title: 'Pause scheduled runs and triggers',
          onclick: () => onAction(job.name, 'pause'),
        },
        'Pause',
      );
  return [run, toggle];
}
