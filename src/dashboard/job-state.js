// One word for how a job is doing, which colours its dot and feeds the list's filters.

/** 'running' | 'paused' | 'disabled' | 'failed' | 'ok' | 'new' */
export function jobState(job) {
  if (job.running > 0) return 'running';
  if (job.paused) return 'paused';
  if (!job.enabled) return 'disabled';
  if (job.last_result) return job.last_result.ok ? 'ok' : 'failed';
  return 'new';
}

export const STATE_WORDS = {
  running: 'running',
  paused: 'paused',
  disabled: 'disabled',
  failed: 'failing',
  ok: 'ok',
  new: 'not run yet',
};
