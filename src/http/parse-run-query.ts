// GET /api/v1/runs?job=&status=&since=&limit= checked into a RunQuery; a bad value is a 400 that says which.
import { PycronError } from '../errors.ts';
import { isPlausibleJobName } from '../jobs/plausible-job-name.ts';
import type { RunQuery } from './http-ports.ts';

export const DEFAULT_RUN_LIMIT = 100;
export const MAX_RUN_LIMIT = 1000;
const PARAMETERS = ['job', 'status', 'since', 'limit'];

export function parseRunQuery(params: URLSearchParams): RunQuery {
  for (const key of params.keys())
    if (!PARAMETERS.includes(key))
      throw bad(`unknown parameter '${key.slice(0, 40)}' (known: ${PARAMETERS.join(', ')})`);
  const query: RunQuery = { limit: DEFAULT_RUN_LIMIT };
  const job = params.get('job');
  if (job !== null) {
    // eslint-disable-next-line no-control-regex
    if (!isPlausibleJobName(job) || /[\u0000-\u001f\u007f]/.test(job) || job.length > 255)
      throw bad('job: expected a job name');
    query.job = job;
  }
  const status = params.get('status');
  if (status !== null) {
    if (status !== 'ok' && status !== 'failed') throw bad('status: expected ok or failed');
    query.status = status;
  }
  const since = params.get('since');
  if (since !== null) {
    const at = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
    if (!Number.isFinite(at)) throw bad('since: expected an ISO 8601 instant or milliseconds since the epoch');
    query.since = at;
  }
  const limit = params.get('limit');
  if (limit !== null) {
    const value = /^\d{1,7}$/.test(limit) ? Number(limit) : NaN;
    if (!(value >= 1 && value <= MAX_RUN_LIMIT)) throw bad(`limit: expected a whole number from 1 to ${MAX_RUN_LIMIT}`);
    query.limit = value;
  }
  return query;
}

function bad(reason: string): PycronError {
  return new PycronError('BAD_REQUEST', { reason });
}
