// The front page: invalid folders first, then the jobs, filtered as you type. Only the rows in and near the window
// exist in the page (every row has the same height, so the list knows where each one goes): ten thousand jobs load
// and scroll as fast as ten. Only those rows tick their countdowns and fetch their strips of recent runs.
import { el } from './el.js';
import { formatAgo, formatCountdown } from './format.js';
import { jobRow } from './job-row.js';
import { jobState } from './job-state.js';
import { problemsPanel } from './problems-panel.js';

const FILTERS = [
  ['all', 'All'],
  ['failed', 'Failing'],
  ['running', 'Running'],
  ['paused', 'Paused'],
];
/** Rows built above and below the window, so a quick scroll shows rows rather than blank space. */
const OVERSCAN = 15;
/** How late a countdown may be before the row asks the service again (a slot skipped by the overlap policy). */
const STALE_AFTER_MS = 3000;
const REFRESH_EVERY_MS = 15_000;

export function renderJobList(container, store, onAction) {
  /** name → row element, for the rows in the page now */
  const rows = new Map();
  const asked = new Map();
  let filter = sessionStorage.getItem('pycron.filter') ?? 'all';
  let search = '';
  /** the names that pass the filter, in order */
  let shown = [];
  let rowHeight = 0;

  const problems = el('div', { class: 'problems-slot' });
  const searchBox = el('input', {
    type: 'search',
    class: 'search',
    placeholder: 'Filter by name, title or schedule',
    'aria-label': 'Filter jobs',
    oninput: () => {
      search = searchBox.value.trim().toLowerCase();
      refilter();
    },
  });
  const filterButtons = FILTERS.map(([key, words]) =>
    el(
      'button',
      {
        type: 'button',
        class: 'chip',
        dataset: { filter: key },
        'aria-pressed': String(key === filter),
        onclick: () => {
          filter = key;
          sessionStorage.setItem('pycron.filter', key);
          for (const button of filterButtons)
            button.setAttribute('aria-pressed', String(button.dataset.filter === key));
          refilter();
        },
      },
      words,
      el('span', { class: 'chip-count' }),
    ),
  );
  const list = el('div', { class: 'job-list', role: 'table', 'aria-label': 'Jobs' });
  const empty = el('p', { class: 'empty', hidden: true });
  container.replaceChildren(
    problems,
    el(
      'div',
      { class: 'toolbar' },
      searchBox,
      el('div', { class: 'chips', role: 'group', 'aria-label': 'Show' }, filterButtons),
    ),
    el(
      'div',
      { class: 'job-head', role: 'row', 'aria-hidden': 'true' },
      el('span'),
      el('span', {}, 'Job'),
      el('span', {}, 'Schedule'),
      el('span', {}, 'Next run'),
      el('span', {}, 'Last result'),
      el('span', {}, 'Recent runs'),
      el('span'),
    ),
    list,
    empty,
  );

  const matches = (job) => {
    if (filter !== 'all' && jobState(job) !== filter) return false;
    if (!search) return true;
    return `${job.name}\n${job.title}\n${job.schedule}`.toLowerCase().includes(search);
  };

  /** Recounts the filters and the names shown, then redraws the window. */
  const refilter = () => {
    const counts = { all: 0, failed: 0, running: 0, paused: 0 };
    shown = [];
    for (const name of store.order) {
      const job = store.jobs.get(name);
      if (!job) continue;
      counts.all += 1;
      const state = jobState(job);
      if (state in counts) counts[state] += 1;
      if (matches(job)) shown.push(name);
    }
    for (const button of filterButtons)
      button.querySelector('.chip-count').textContent = String(counts[button.dataset.filter]);
    empty.hidden = shown.length > 0;
    empty.textContent =
      store.order.length === 0
        ? 'No jobs yet. Drop a folder with a script and a schedule into the jobs folder; it shows here within a second.'
        : 'No job matches this filter.';
    drawWindow();
  };

  const measureRowHeight = () => {
    rowHeight = parseFloat(getComputedStyle(list).getPropertyValue('--row-height')) || 58;
  };

  /** Builds the rows in and near the window, drops the others, and places each at its index. */
  const drawWindow = () => {
    if (!rowHeight) measureRowHeight();
    list.style.height = `${shown.length * rowHeight}px`;
    const top = list.getBoundingClientRect().top;
    const first = Math.max(0, Math.floor(-top / rowHeight) - OVERSCAN);
    const last = Math.min(shown.length, Math.ceil((window.innerHeight - top) / rowHeight) + OVERSCAN);
    const wanted = new Set(shown.slice(first, last));
    for (const [name, row] of rows) {
      if (wanted.has(name)) continue;
      row.remove();
      rows.delete(name);
    }
    const missing = [];
    for (let i = first; i < last; i++) {
      const name = shown[i];
      let row = rows.get(name);
      if (!row) {
        row = jobRow(store.jobs.get(name), onAction);
        rows.set(name, row);
        missing.push(row);
      }
      row.style.transform = `translateY(${i * rowHeight}px)`;
    }
    if (missing.length > 0) list.append(...missing);
    loadStrips();
  };

  let stripTimer;
  const loadStrips = () => {
    clearTimeout(stripTimer);
    stripTimer = setTimeout(() => store.loadStrips([...rows.keys()]), 60);
  };

  /** Rebuilds the rows of jobs that changed, in place. */
  const redraw = (names) => {
    for (const name of names) {
      const old = rows.get(name);
      const job = store.jobs.get(name);
      if (!old || !job) continue;
      const row = jobRow(job, onAction);
      row.style.transform = old.style.transform;
      old.replaceWith(row);
      rows.set(name, row);
    }
  };

  let frame;
  const onChange = (event) => {
    const { names, structural } = event.detail;
    if (structural || names === null) {
      problems.replaceChildren(problemsPanel(store.diagnostics));
      for (const row of rows.values()) row.remove();
      rows.clear();
      return refilter();
    }
    redraw(names);
    // States change with every run, and with them the filters: recount once a frame at most.
    frame ??= requestAnimationFrame(() => {
      frame = undefined;
      refilter();
    });
  };
  store.addEventListener('change', onChange);

  let scrollFrame;
  const onScroll = () => {
    scrollFrame ??= requestAnimationFrame(() => {
      scrollFrame = undefined;
      drawWindow();
    });
  };
  const onResize = () => {
    measureRowHeight();
    onScroll();
  };
  window.addEventListener('scroll', onScroll, { passive: true });
  window.addEventListener('resize', onResize);

  const tick = setInterval(() => {
    const now = Date.now();
    for (const [name, row] of rows) {
      const countdown = row.querySelector('.countdown');
      if (countdown) {
        const at = Number(countdown.dataset.at);
        countdown.textContent = formatCountdown(at, now);
        const job = store.jobs.get(name);
        const stale = job && job.running === 0 && now - at > STALE_AFTER_MS;
        if (stale && now - (asked.get(name) ?? 0) > REFRESH_EVERY_MS) {
          asked.set(name, now);
          void store.refreshJob(name);
        }
      }
      const ago = row.querySelector('.ago');
      if (ago) ago.textContent = formatAgo(Number(ago.dataset.at), now);
    }
  }, 1000);

  if (store.loaded) onChange({ detail: { names: null, structural: true } });
  return {
    destroy() {
      clearInterval(tick);
      clearTimeout(stripTimer);
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onResize);
      store.removeEventListener('change', onChange);
    },
  };
}
