// A job's recent runs as a strip of bars, oldest left: the colour says how each ended, the height how long it took
// (log scale, against the longest in the strip). Each bar opens that run.
import { el } from './el.js';
import { formatAgo, formatDuration } from './format.js';
import { STRIP_RUNS } from './store.js';

const WORDS = { ok: 'ok', failed: 'failed', timed_out: 'timed out' };

export function runStrip(job, now = Date.now()) {
  const runs = job.recent_runs.slice(0, STRIP_RUNS).reverse();
  const longest = Math.max(1, ...runs.map((run) => run.duration_ms));
  const bars = runs.map((run) => {
    const share = Math.log1p(run.duration_ms) / Math.log1p(longest);
    const height = Math.round(25 + 75 * (Number.isFinite(share) ? share : 0));
    const words = `${WORDS[run.status] ?? run.status} · ${formatDuration(run.duration_ms)} · ${formatAgo(Date.parse(run.ended_at), now)}`;
    return el('a', {
      class: `bar bar-${run.status}`,
      href: `#/jobs/${encodeURIComponent(job.name)}/runs/${encodeURIComponent(run.run_id)}`,
      title: words,
      'aria-label': words,
      dataset: { height: String(height) },
    });
  });
  if (job.running > 0)
    bars.push(el('span', { class: 'bar bar-running', title: 'running now', dataset: { height: '100' } }));
  const strip = el('div', { class: 'strip', 'aria-label': `last ${runs.length} runs` }, bars);
  // NOTE: heights set through the CSSOM, which the page's content security policy allows (style attributes it does not).
  for (const bar of strip.children) bar.style.height = `${bar.dataset.height}%`;
  if (runs.length === 0 && job.running === 0) strip.append(el('span', { class: 'strip-empty' }, 'no runs yet'));
  return strip;
}
