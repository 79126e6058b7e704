// The JSON a webhook receives: for a run, `event` and then the status record as job_status.log has it (output and
// error bounded); for a late slot, what is known about the slot.
import { boundText } from './bound-text.ts';
import type { Notice } from './notice.ts';

export function webhookPayload(notice: Notice): Record<string, unknown> {
  if (notice.kind !== 'late') {
    const { record } = notice;
    const output = boundText(record.output);
    const error = boundText(record.error);
    return {
      event: notice.kind,
      ...record,
      output: output.text,
      error: error.text,
      output_truncated: record.output_truncated || output.cut > 0,
      error_truncated: record.error_truncated || error.cut > 0,
    };
  }
  const iso = (ms: number): string => new Date(ms).toISOString();
  const { state } = notice;
  return {
    event: 'late',
    job: notice.job,
    host: notice.host,
    scheduled_at: iso(notice.slot),
    late_after_ms: notice.lateAfterMs,
    due_by: iso(notice.deadline),
    state: state.kind,
    running_since: state.kind === 'running' ? iso(state.startedAt) : null,
    failed_at: state.kind === 'failed' ? iso(state.endedAt) : null,
    last_success_at: notice.lastSuccessAt === undefined ? null : iso(notice.lastSuccessAt),
  };
}
