// One job: what it is, when it runs next, its buttons, and its runs; a run opens to show its output, always as
// text (job output is untrusted). New runs appear at the top as they finish.
import { api } from './api.js';
import { el } from './el.js';
import { formatAgo, formatCountdown, formatDuration, formatTime } from './format.js';
import { actionButtons, lastResult } from './job-row.js';
import { jobState, STATE_WORDS } from './job-state.js';
import { runDetails } from './run-details.js';
import { runStrip } from './run-strip.js';
import { statusOf } from './store.js';

const RUNS_SHOWN = 100;
const RESULT_WORDS = { ok: 'ok', failed: 'failed', timed_out: 'timed out' };
const LAYOUT_WORDS = {
  folder: 'a job folder',
  pycron: 'a PyCron-layout folder',
  stored: "the cluster's database (a category)",
};

export function renderJobPage(container, store, name, openRunId, onAction) {
  const header = el('section', { class: 'job-header' });
  const runsBody = el('tbody');
  const runsNote = el('p', { class: 'muted runs-note' }, 'Loading runs…');
  container.replaceChildren(
    el('nav', { class: 'crumbs' }, el('a', { href: '#/' }, '← All jobs')),
    header,
    el(
      'section',
      { class: 'runs' },
      el('h2', {}, 'Runs'),
      el(
        'div',
        { class: 'table-wrap' },
        el(
          'table',
          { class: 'runs-table' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ['Ended', 'Result', 'Duration', 'Reason', 'Run id'].map((h) => el('th', { scope: 'col' }, h)),
            ),
          ),
          runsBody,
        ),
      ),
      runsNote,
    ),
  );

  // The buttons stay the same elements while the rest is redrawn, so focus and a click in progress stay on them.
  const titleBox = el('div');
  const actionsBox = el('div', { class: 'job-actions' });
  const top = el('div', { class: 'job-header-top' }, titleBox, actionsBox);
  const body = el('div', { class: 'job-header-body' });
  let buttonsFor;
  const drawHeader = () => {
    const job = store.jobs.get(name);
    if (!job) {
      buttonsFor = undefined;
      header.replaceChildren(
        el('h1', {}, name),
        el('p', { class: 'error-text' }, 'There is no job by this name (any more).'),
      );
      return;
    }
    const now = Date.now();
    const state = jobState(job);
    if (top.parentNode !== header) header.replaceChildren(top, body);
    titleBox.replaceChildren(
      el('h1', {}, el('span', { class: `dot dot-${state}`, title: STATE_WORDS[state] }), job.name),
      job.title && job.title !== job.name ? el('p', { class: 'muted' }, job.title) : '',
    );
    if (buttonsFor !== job.paused) {
      buttonsFor = job.paused;
      actionsBox.replaceChildren(...actionButtons(job, onAction));
    }
    const parts = [
      el(
        'dl',
        { class: 'facts' },
        fact('Schedule', `${job.schedule} (${job.timezone})`),
        fact('State', STATE_WORDS[state] + (job.running > 1 ? ` (${job.running} copies)` : '')),
        fact(
          'Next runs',
          job.next_runs.length === 0
            ? 'none'
            : el(
                'ul',
                { class: 'next-list' },
                job.next_runs.map((at) =>
                  el(
                    'li',
                    {},
                    `${formatTime(Date.parse(at), now)} `,
                    el(
                      'span',
                      { class: 'muted countdown', dataset: { at: String(Date.parse(at)) } },
                      formatCountdown(Date.parse(at), now),
                    ),
                  ),
                ),
              ),
        ),
        fact('Last result', lastResult(job, now)),
        fact('Overlap', job.overlap),
        fact('HTTP trigger', job.http_trigger),
        job.proc
          ? fact(
              'Proc',
              `${job.proc.state}${job.proc.pid ? `, pid ${job.proc.pid}` : ''}, ${job.proc.restarts} restarts`,
            )
          : null,
        fact('Comes from', LAYOUT_WORDS[job.layout] ?? job.layout),
      ),
      el('div', { class: 'job-strip-wide' }, runStrip(job, now)),
      job.diagnostics.length > 0
        ? el(
            'ul',
            { class: 'problem-list' },
            job.diagnostics.map((d) =>
              el('li', {}, el('span', { class: 'message' }, d.message), el('span', { class: 'code' }, d.code)),
            ),
          )
        : null,
    ];
    body.replaceChildren(...parts.filter(Boolean));
  };

  const seen = new Set();
  const runRow = (run) => {
    seen.add(run.run_id);
    const status = statusOf(run);
    const ended = Date.parse(run.ended_at);
    const details = el('tr', { class: 'run-details', hidden: true }, el('td', { colspan: '5' }));
    const row = el(
      'tr',
      {
        class: 'run-row',
        tabindex: '0',
        dataset: { runId: run.run_id },
        'aria-expanded': 'false',
        onclick: () => toggle(row, details, run.run_id),
        onkeydown: (event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            toggle(row, details, run.run_id);
          }
        },
      },
      el(
        'td',
        { title: run.ended_at },
        formatTime(ended),
        el('span', { class: 'muted' }, ` · ${formatAgo(ended, Date.now())}`),
      ),
      el(
        'td',
        {},
        el('span', { class: `badge badge-${status === 'ok' ? 'ok' : 'failed'}` }, RESULT_WORDS[status] ?? status),
        run.status_code !== null && run.status_code !== undefined && status !== 'ok'
          ? el('span', { class: 'muted' }, ` exit ${run.status_code}`)
          : null,
      ),
      el('td', {}, formatDuration(run.duration_ms)),
      el('td', {}, run.reason_for_run),
      el('td', {}, el('code', { class: 'run-id' }, run.run_id)),
    );
    return [row, details];
  };

  const toggle = (row, details, runId) => {
    const open = details.hidden;
    details.hidden = !open;
    row.setAttribute('aria-expanded', String(open));
    if (open && !details.dataset.loaded) {
      details.dataset.loaded = 'loading';
      details.firstChild.replaceChildren(el('p', { class: 'muted' }, 'Loading output…'));
      api(`/api/v1/runs/${encodeURIComponent(runId)}`).then(
        (record) => {
          details.dataset.loaded = 'yes';
          details.firstChild.replaceChildren(runDetails(record));
        },
        (error) => {
          // Opening it again tries again.
          delete details.dataset.loaded;
          details.firstChild.replaceChildren(el('p', { class: 'error-text' }, error.message));
        },
      );
    }
  };

  let openedRun = false;
  const loadRuns = async () => {
    try {
      const data = await api(`/api/v1/runs?job=${encodeURIComponent(name)}&limit=${RUNS_SHOWN}`);
      // Runs that finished while this was on its way are already at the top: the answer's runs go below them.
      runsBody.append(...data.runs.filter((run) => !seen.has(run.run_id)).flatMap(runRow));
      runsNote.textContent =
        runsBody.childElementCount === 0
          ? 'No runs in the history yet.'
          : data.runs.length === RUNS_SHOWN
            ? `The last ${RUNS_SHOWN} runs; pycron runs ${name} shows them all.`
            : '';
      if (openRunId && !openedRun) {
        openedRun = true;
        const row = runsBody.querySelector(`tr[data-run-id="${CSS.escape(openRunId)}"]`);
        if (row) {
          row.click();
          row.scrollIntoView({ block: 'center' });
        }
      }
    } catch (error) {
      runsNote.textContent = error.message;
    }
  };

  const onChange = (event) => {
    const { names } = event.detail;
    if (names === null || names.includes(name)) drawHeader();
  };
  const onRun = (event) => {
    const { type, data } = event.detail;
    if (type !== 'finished' || data.job !== name || seen.has(data.run_id)) return;
    runsBody.prepend(...runRow(data));
    runsNote.textContent = '';
  };
  // After a gap in the event stream, runs may have been missed: ask again (the answer merges by run id).
  const onReloaded = () => void loadRuns();
  store.addEventListener('change', onChange);
  store.addEventListener('run', onRun);
  store.addEventListener('reloaded', onReloaded);
  // The countdowns tick in place: rebuilding the header every second would take the focus and clicks off its buttons.
  const tick = setInterval(() => {
    const now = Date.now();
    for (const node of header.querySelectorAll('.countdown'))
      node.textContent = formatCountdown(Number(node.dataset.at), now);
    for (const node of header.querySelectorAll('.ago')) node.textContent = formatAgo(Number(node.dataset.at), now);
  }, 1000);
  drawHeader();
  // The list holds the job without its recent runs; the job's own answer has them.
  void store.refreshJob(name);
  void loadRuns();
  return {
    destroy() {
      clearInterval(tick);
      store.removeEventListener('change', onChange);
      store.removeEventListener('run', onRun);
      store.removeEventListener('reloaded', onReloaded);
    },
  };
}

function fact(term, value) {
  return [el('dt', {}, term), el('dd', {}, value)];
}
