// The run history as the HTTP API serves it: index entries as JSON (snake_case, ISO times), and one run's whole
// status record; a run whose file was removed is a 404 that says why.
import { PycronError } from '../errors.ts';
import { runEntryJson } from '../history/run-entry.ts';
import type { RunHistory } from '../history/run-history.ts';
import type { HttpHistory } from '../http/http-ports.ts';

export function historyForHttp(history: RunHistory): HttpHistory {
  return {
    query: (query) => history.query(query).runs.map(runEntryJson),
    recent: (job, n) =>
      history.recent(job, n).map((entry) => ({
        run_id: entry.runId,
        status: entry.status,
        duration_ms: entry.durationMs,
        ended_at: new Date(entry.endedAt).toISOString(),
      })),
    async get(runId) {
      const found = await history.get(runId);
      switch (found.kind) {
        case 'found':
          return found.record;
        case 'unknown':
          return undefined;
        case 'gone':
          throw new PycronError('HTTP_NOT_FOUND', { reason: found.reason });
        case 'too-large':
          return { ...runEntryJson(found.entry), output: null, error: null, note: 'the record is too large to serve' };
      }
    },
  };
}
