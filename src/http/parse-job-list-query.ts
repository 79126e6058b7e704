// GET /api/v1/jobs?recent=N&name=A&name=B checked: how many recent runs each job carries (0 by default, so the
// list of 10,000 jobs stays small), and which jobs (every job by default; the dashboard asks for the rows it shows).
import { PycronError } from '../errors.ts';
import { parseJobName } from './parse-job-name.ts';

export interface JobListQuery {
  recent: number;
  /** Undefined: every job. Unknown names are left out of the answer, not refused. */
  names?: string[];
}

export const MAX_RECENT_RUNS = 50;
export const MAX_NAMES = 500;
const PARAMETERS = ['recent', 'name'];

export function parseJobListQuery(params: URLSearchParams): JobListQuery {
  for (const key of params.keys())
    if (!PARAMETERS.includes(key))
      throw bad(`unknown parameter '${key.slice(0, 40)}' (known: ${PARAMETERS.join(', ')})`);
  const query: JobListQuery = { recent: 0 };
  const recent = params.get('recent');
  if (recent !== null) {
    const value = /^\d{1,3}$/.test(recent) ? Number(recent) : NaN;
    if (!(value >= 0 && value <= MAX_RECENT_RUNS))
      throw bad(`recent: expected a whole number from 0 to ${MAX_RECENT_RUNS}`);
    query.recent = value;
  }
  const names = params.getAll('name');
  if (names.length > MAX_NAMES) throw bad(`name: at most ${MAX_NAMES} names in one request`);
  if (names.length > 0) query.names = names.map((name) => parseJobName(encodeURIComponent(name)));
  return query;
}

function bad(reason: string): PycronError {
  return new PycronError('BAD_REQUEST', { reason });
}
