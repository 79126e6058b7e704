// What MQTT_PUBLISH_RUNS publishes for a finished run: its status record without the captured output. Output can be
// megabytes and may hold what only the host should see; the full record stays in job_status.log and the HTTP API.
import type { StatusRecord } from '../../statuslog/status-record.ts';

export type PublishedRunRecord = Omit<StatusRecord, 'output' | 'error'>;

/** The record's JSON without `output` and `error` (stdout, stderr); every other field as the status log has it. */
export function runRecordPayload(record: StatusRecord): string {
  const { output: _output, error: _error, ...rest } = record;
  const published: PublishedRunRecord = rest;
  return JSON.stringify(published);
}
