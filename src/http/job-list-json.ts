// The body of GET /api/v1/jobs, built in slices: with 10,000 jobs describing and serialising them all at once would
// hold the event loop for over 100 ms, and with it every other request (the dashboard's files, /health) and the
// scheduler's timers. Between slices other work runs.
import type { JobSpec } from '../jobs/job-spec.ts';

const JOBS_PER_SLICE = 500;

export async function jobListJson(
  jobs: readonly JobSpec[],
  describe: (job: JobSpec) => unknown,
  diagnostics: unknown,
): Promise<string> {
  const parts: string[] = [];
  for (let start = 0; start < jobs.length; start += JOBS_PER_SLICE) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    const slice = jobs.slice(start, start + JOBS_PER_SLICE).map(describe);
    // Each slice is a JSON array; its brackets come off so that the slices join into one array.
    parts.push(JSON.stringify(slice).slice(1, -1));
  }
  return `{"jobs":[${parts.filter((part) => part !== '').join(',')}],"diagnostics":${JSON.stringify(diagnostics)}}\n`;
}
