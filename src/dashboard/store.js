// What the dashboard knows about the jobs: loaded once from GET /api/v1/jobs, then kept current from the event
// stream (a finished run carries its result and the job's next run, so no refetch is needed for it). Listeners get
// 'change' events ({ names, structural }), 'run' events ({ type, data }) and 'reloaded' after a whole new list.
//
// Answers and events race: an answer may leave the service before a run starts and arrive after its event. Every
// event bumps a counter per job; a job whose counter moved while an answer was on its way is asked for again, so
// the last word is always an answer newer than every event.
import { api } from './api.js';

/** Bars in a row's strip of recent runs. */
export const STRIP_RUNS = 12;
const MAX_KEPT_RUNS = 20;
/** Jobs asked for in one request: the names travel in the URL, which the service caps at 16 KiB with the headers. */
const MAX_QUERY_CHARS = 6000;
const REFRESH_DELAY_MS = 150;
const RETRY_DELAY_MS = 2000;

export class JobStore extends EventTarget {
  constructor() {
    super();
    /** name → the job as GET /api/v1/jobs/{name} shows it */
    this.jobs = new Map();
    /** names in the service's order (by name) */
    this.order = [];
    this.diagnostics = [];
    /** jobs whose recent runs came from the history (the list itself comes without them) */
    this.stripsLoaded = new Set();
    this.loaded = false;
    /** name → events seen for the job */
    this.eventCounts = new Map();
    /** jobs to ask for again, in one batch, soon */
    this.toRefresh = new Set();
    this.refreshTimer = undefined;
  }

  async load() {
    const seen = new Map(this.eventCounts);
    const data = await api('/api/v1/jobs');
    const previous = this.jobs;
    this.jobs = new Map();
    for (const job of data.jobs) {
      // The list comes without strips: keep what was shown until the rows ask again.
      job.recent_runs = previous.get(job.name)?.recent_runs ?? [];
      this.jobs.set(job.name, job);
    }
    this.order = data.jobs.map((job) => job.name);
    this.diagnostics = data.diagnostics;
    this.stripsLoaded.clear();
    this.loaded = true;
    this.askAgainIfMoved(seen);
    this.emitChange(null, true);
    this.dispatchEvent(new CustomEvent('reloaded'));
  }

  /** Fetches the recent runs of jobs whose strips are not loaded yet (the rows in view). */
  loadStrips(names) {
    for (const name of names) {
      if (!this.jobs.has(name) || this.stripsLoaded.has(name)) continue;
      this.stripsLoaded.add(name);
      this.toRefresh.add(name);
    }
    this.scheduleRefresh(0);
  }

  /** Asks for a job again soon (added, changed, paused, a stale countdown); a job that is gone is removed. */
  refreshJob(name) {
    this.toRefresh.add(name);
    this.scheduleRefresh(REFRESH_DELAY_MS);
  }

  scheduleRefresh(delayMs) {
    if (this.refreshTimer !== undefined || this.toRefresh.size === 0) return;
    this.refreshTimer = setTimeout(() => void this.flushRefresh(), delayMs);
  }

  /** Asks for the queued jobs, with their recent runs, in as few requests as the URL allows. */
  async flushRefresh() {
    const names = [...this.toRefresh];
    this.toRefresh.clear();
    let batch = [];
    let chars = 0;
    const batches = [batch];
    for (const name of names) {
      const part = `&name=${encodeURIComponent(name)}`;
      if (chars + part.length > MAX_QUERY_CHARS && batch.length > 0) batches.push((batch = []));
      batch.push(name);
      chars = batch.length === 1 ? part.length : chars + part.length;
    }
    try {
      await Promise.all(batches.filter((b) => b.length > 0).map((b) => this.fetchJobs(b)));
      this.refreshTimer = undefined;
      this.scheduleRefresh(REFRESH_DELAY_MS);
    } catch {
      // The service is away or overloaded: ask for them all again a little later.
      for (const name of names) this.toRefresh.add(name);
      this.refreshTimer = undefined;
      this.scheduleRefresh(RETRY_DELAY_MS);
    }
  }

  async fetchJobs(names) {
    const seen = new Map(this.eventCounts);
    const query = names.map((name) => `name=${encodeURIComponent(name)}`).join('&');
    const data = await api(`/api/v1/jobs?recent=${STRIP_RUNS}&${query}`);
    const found = new Set();
    const added = [];
    for (const job of data.jobs) {
      found.add(job.name);
      if (!this.jobs.has(job.name)) added.push(job.name);
      this.jobs.set(job.name, job);
      this.stripsLoaded.add(job.name);
    }
    let structural = added.length > 0;
    if (structural) this.order = [...this.order, ...added].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      if (found.has(name) || !this.jobs.has(name)) continue;
      this.jobs.delete(name);
      this.order = this.order.filter((other) => other !== name);
      structural = true;
    }
    this.askAgainIfMoved(seen);
    this.emitChange(names, structural);
  }

  askAgainIfMoved(seen) {
    for (const [name, count] of this.eventCounts) if (seen.get(name) !== count) this.refreshJob(name);
  }

  async refreshDiagnostics() {
    const data = await api('/api/v1/diagnostics');
    this.diagnostics = data.diagnostics;
    this.emitChange([], true);
  }

  /** One message of the event stream. */
  apply(event, data) {
    if (data.job) this.eventCounts.set(data.job, (this.eventCounts.get(data.job) ?? 0) + 1);
    switch (event) {
      case 'run:started':
        return this.started(data);
      case 'run:finished':
        return this.finished(data);
      case 'job:added':
      case 'job:changed':
      case 'job:paused':
        return this.refreshJob(data.job);
      case 'job:removed':
        return this.remove(data.job);
      case 'jobs:diagnostics':
        return void this.refreshDiagnostics().catch(() => {});
    }
  }

  remove(name) {
    if (!this.jobs.delete(name)) return;
    this.order = this.order.filter((other) => other !== name);
    this.emitChange([name], true);
  }

  started(data) {
    const job = this.jobs.get(data.job);
    if (job) {
      job.running += 1;
      // The slot that started is no longer next; the service knows the one after it when none is left here.
      const slot = Date.parse(data.scheduled_at);
      const had = job.next_runs.length;
      job.next_runs = job.next_runs.filter((at) => Date.parse(at) > slot);
      if (had > 0 && job.next_runs.length === 0) this.refreshJob(data.job);
      this.emitChange([data.job], false);
    }
    this.dispatchEvent(new CustomEvent('run', { detail: { type: 'started', data } }));
  }

  finished(record) {
    const job = this.jobs.get(record.job);
    if (job) {
      job.running = Math.max(0, job.running - 1);
      job.last_result = {
        run_id: record.run_id,
        ok: record.ok,
        exit_code: record.status_code,
        started_at: record.begun_at,
        ended_at: record.ended_at,
        duration_ms: record.duration_ms,
      };
      job.failures = record.ok ? 0 : record.number_of_failed_attempts;
      job.recent_runs = [
        { run_id: record.run_id, status: statusOf(record), duration_ms: record.duration_ms, ended_at: record.ended_at },
        ...job.recent_runs.filter((run) => run.run_id !== record.run_id),
      ].slice(0, MAX_KEPT_RUNS);
      if (record.next_run && !job.paused) {
        const later = job.next_runs.filter((at) => Date.parse(at) > Date.parse(record.next_run));
        job.next_runs = [record.next_run, ...later];
      }
      this.emitChange([record.job], false);
    }
    this.dispatchEvent(new CustomEvent('run', { detail: { type: 'finished', data: record } }));
  }

  /** names: the jobs that changed (null: all); structural: jobs or diagnostics were added or removed. */
  emitChange(names, structural) {
    this.dispatchEvent(new CustomEvent('change', { detail: { names, structural } }));
  }
}

/** ok, failed or timed_out, as the run history says it. */
export function statusOf(run) {
  if (run.status) return run.status;
  if (run.ok) return 'ok';
  return run.timed_out ? 'timed_out' : 'failed';
}
