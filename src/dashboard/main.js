// The dashboard's entry: loads the jobs, keeps them live over the event stream, and shows the page the address
// names: #/ (every job), #/jobs/NAME (one job; #/jobs/NAME/runs/RUN_ID opens a run) or #/cluster[?job=NAME].
import { jobAction } from './actions.js';
import { api } from './api.js';
import { renderClusterPage } from './cluster-page.js';
import { el } from './el.js';
import { renderJobList } from './job-list.js';
import { renderJobPage } from './job-page.js';
import { jobState } from './job-state.js';
import { connectLive } from './live.js';
import { JobStore } from './store.js';
import { manageToken } from './token.js';

const store = new JobStore();
const view = document.getElementById('view');
let page;

function route() {
  page?.destroy();
  const cluster = /^#\/cluster(?:\?job=(.*))?$/.exec(location.hash);
  if (cluster) {
    document.title = 'Cluster · pycron';
    let job;
    try {
      job = cluster[1] ? decodeURIComponent(cluster[1]) : undefined;
    } catch {
      job = undefined;
    }
    page = renderClusterPage(view, job);
    window.scrollTo(0, 0);
    return;
  }
  const match = /^#\/jobs\/([^/]+)(?:\/runs\/([^/]+))?$/.exec(location.hash);
  let name;
  let runId;
  try {
    name = match && decodeURIComponent(match[1]);
    runId = match?.[2] && decodeURIComponent(match[2]);
  } catch {
    name = undefined; // a malformed %-escape in the address: show every job
  }
  if (name) {
    document.title = `${name} · pycron`;
    page = renderJobPage(view, store, name, runId, onAction);
  } else {
    document.title = 'pycron';
    page = renderJobList(view, store, onAction);
  }
  window.scrollTo(0, 0);
}

async function onAction(name, action) {
  const answer = await jobAction(name, action);
  // Pause and resume change the next runs: the job's answer has them at once, before the event arrives.
  if (answer && action !== 'run') void store.refreshJob(name);
}

let summaryTimer;
function drawSummary() {
  summaryTimer = undefined;
  const counts = { running: 0, failed: 0, paused: 0 };
  for (const job of store.jobs.values()) {
    const state = jobState(job);
    if (state in counts) counts[state] += 1;
  }
  const errors = store.diagnostics.filter((d) => d.severity === 'error').length;
  const item = (count, words, kind) =>
    el(
      'span',
      { class: `stat stat-${kind}`, dataset: { count: String(count) } },
      el('b', {}, String(count)),
      ` ${words}`,
    );
  document.getElementById('summary').replaceChildren(
    item(store.jobs.size, store.jobs.size === 1 ? 'job' : 'jobs', 'jobs'),
    item(counts.running, 'running', 'running'),
    item(counts.failed, 'failing', 'failed'),
    item(counts.paused, 'paused', 'paused'),
    // NOTE: replaceChildren writes a null as the text "null": leave the item out instead.
    ...(errors > 0 ? [item(errors, errors === 1 ? 'invalid folder' : 'invalid folders', 'invalid')] : []),
  );
}
store.addEventListener('change', () => {
  summaryTimer ??= setTimeout(drawSummary, 250);
});

document.getElementById('token-button').addEventListener('click', () => void manageToken());
window.addEventListener('hashchange', route);

/** Loads the job list; on failure says so in a banner and tries again, waiting longer each time (up to 30 s). */
async function loadUntilLoaded(waitMs = 1000) {
  try {
    await store.load();
    document.getElementById('load-error')?.remove();
    document.body.setAttribute('data-ready', 'yes');
    performance.mark('pycron:ready');
    // Two frames later the list has been laid out and painted: what the benchmark calls interactive.
    requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('pycron:interactive')));
  } catch (error) {
    const banner = document.getElementById('load-error') ?? el('p', { id: 'load-error', class: 'banner error-text' });
    banner.textContent = `The job list could not be loaded (${error.message}); trying again in ${waitMs / 1000} s.`;
    view.before(banner);
    setTimeout(() => void loadUntilLoaded(Math.min(waitMs * 2, 30_000)), waitMs);
  }
}

/** The Cluster link shows only where there is a cluster to see (/health names this instance's INSTANCE_ID). */
async function showClusterLink() {
  try {
    const health = await api('/health');
    document.getElementById('cluster-link').hidden = !health.cluster;
  } catch {
    // not reachable yet: the link stays hidden until the next load of the page
  }
}

connectLive(store);
void showClusterLink();
void loadUntilLoaded();
route();
