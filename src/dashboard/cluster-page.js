// The cluster (cluster mode only): its instances with their heartbeats, the workers, and the latest firings with
// the instance that ran each, read again every 2 s while the page is open. Everything shown is text (el()).
import { api } from './api.js';
import { el } from './el.js';
import { formatAgo, formatTime } from './format.js';

const REFRESH_EVERY_MS = 2000;
const FIRINGS_SHOWN = 50;
/** Colour of each state word: alive and succeeded green, dead and failed red, running blue. */
const TONES = {
  alive: 'ok',
  succeeded: 'ok',
  dead: 'failed',
  failed: 'failed',
  interrupted: 'failed',
  silent: 'failed',
  running: 'running',
};

export function renderClusterPage(container, jobFilter) {
  const instancesBody = el('tbody');
  const workersBody = el('tbody');
  const firingsBody = el('tbody');
  const note = el('p', { class: 'muted runs-note' }, 'Loading the cluster…');
  const heading = el('h1', {}, 'Cluster');
  const filterBox = el('input', {
    type: 'search',
    class: 'search',
    placeholder: 'Firings of one job (exact name)',
    'aria-label': 'Show the firings of one job',
    value: jobFilter ?? '',
    onchange: () => {
      const job = filterBox.value.trim();
      location.hash = job ? `#/cluster?job=${encodeURIComponent(job)}` : '#/cluster';
    },
  });
  container.replaceChildren(
    el('nav', { class: 'crumbs' }, el('a', { href: '#/' }, '← All jobs')),
    el('section', { class: 'job-header cluster-header' }, heading),
    section('Instances', ['Instance', 'Host', 'State', 'Heard', 'Clock skew', 'Running', 'Version'], instancesBody),
    section('Workers', ['Worker', 'Queue', 'Host', 'State', 'Heard', 'Running'], workersBody),
    el(
      'section',
      { class: 'runs' },
      el(
        'div',
        { class: 'section-head' },
        el('h2', {}, jobFilter ? `Latest firings of ${jobFilter}` : 'Latest firings'),
        filterBox,
      ),
      table(['Slot', 'Job', 'Ran on', 'Status', 'Note'], firingsBody),
      note,
    ),
  );

  let timer;
  let destroyed = false;
  const controller = new AbortController();
  async function load() {
    timer = undefined;
    try {
      const query = `limit=${FIRINGS_SHOWN}${jobFilter ? `&job=${encodeURIComponent(jobFilter)}` : ''}`;
      const view = await api(`/api/v1/cluster?${query}`, { signal: controller.signal });
      if (destroyed) return;
      draw(view);
      note.textContent = `Read from the cluster's database through instance ${view.instance_id}; refreshed every ${REFRESH_EVERY_MS / 1000} s.`;
      note.classList.remove('error-text');
    } catch (error) {
      if (destroyed || error.name === 'AbortError') return;
      note.textContent =
        error.status === 503 ? 'This pycron is not part of a cluster ([Cluster] DATABASE_URL).' : error.message;
      note.classList.add('error-text');
    }
    if (!destroyed) timer = setTimeout(() => void load(), REFRESH_EVERY_MS);
  }

  function draw(view) {
    const now = Date.now();
    const alive = view.instances.filter((i) => i.state === 'alive').length;
    heading.replaceChildren(
      'Cluster ',
      el('span', { class: 'muted cluster-count' }, `${alive} of ${view.instances.length} instances alive`),
    );
    instancesBody.replaceChildren(
      ...view.instances.map((i) =>
        el(
          'tr',
          { dataset: { instance: i.instance_id, state: i.state } },
          el('td', {}, el('b', {}, i.instance_id), i.this_instance ? el('span', { class: 'tag' }, 'this one') : null),
          el('td', {}, i.host, el('span', { class: 'muted' }, ` pid ${i.pid}`)),
          el('td', {}, stateWord(i.state)),
          el('td', {}, formatAgo(Date.parse(i.heartbeat_at), now)),
          el('td', {}, i.clock_skew_ms === null ? '–' : `${i.clock_skew_ms} ms`),
          el('td', {}, String(i.running)),
          el('td', { class: 'muted' }, i.version),
        ),
      ),
    );
    workersBody.replaceChildren(
      ...(view.workers.length === 0
        ? [el('tr', {}, el('td', { colspan: '6', class: 'muted' }, 'No worker yet (pycron worker --queue NAME).'))]
        : view.workers.map((w) =>
            el(
              'tr',
              { dataset: { worker: w.worker_id } },
              el('td', {}, el('b', {}, w.worker_id)),
              el('td', {}, el('code', {}, w.queue)),
              el('td', {}, w.host),
              el('td', {}, stateWord(w.state)),
              el('td', {}, formatAgo(now - w.silent_ms, now)),
              el('td', {}, String(w.running)),
            ),
          )),
    );
    firingsBody.replaceChildren(
      ...(view.firings.length === 0
        ? [el('tr', {}, el('td', { colspan: '5', class: 'muted' }, 'No firing claimed yet.'))]
        : view.firings.map((f) =>
            el(
              'tr',
              { dataset: { job: f.job, instance: f.instance_id } },
              el('td', {}, formatTime(Date.parse(f.scheduled_at), now)),
              el('td', {}, el('a', { href: `#/jobs/${encodeURIComponent(f.job)}` }, f.job)),
              el('td', {}, f.instance_id),
              el('td', {}, stateWord(f.status)),
              el('td', { class: 'muted cluster-note' }, f.note ?? ''),
            ),
          )),
    );
  }

  void load();
  return {
    destroy() {
      destroyed = true;
      controller.abort();
      clearTimeout(timer);
    },
  };
}

function stateWord(state) {
  return el('span', { class: `state-word tone-${TONES[state] ?? 'muted'}` }, state);
}

function section(title, headings, body) {
  return el('section', { class: 'runs' }, el('h2', {}, title), table(headings, body));
}

function table(headings, body) {
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { class: 'runs-table cluster-table' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          headings.map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      body,
    ),
  );
}
